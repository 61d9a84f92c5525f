"""FHIR data sources.  Each reader turns its input into ``Loaded`` (resources with their
fullUrl, plus warnings); ``group.py`` splits those into one ``PatientRecord`` per
patient; ``load.py: load_patients(path_or_url)`` picks the reader.  The FHIR server
source is different: it searches per retrieve (``server.py: ServerRecord``), behind the
same DataProvider interface."""
