"""fhirrules: clinical reasoning for refractory autoimmune disease over FHIR R4."""
__version__ = "0.1.0"
