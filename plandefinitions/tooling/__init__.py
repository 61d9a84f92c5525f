"""Generator of the PlanDefinition and ActivityDefinition JSON (see build_plandefinitions.py)."""
