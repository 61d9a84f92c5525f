"""Delivery: the card pipeline and the CDS Hooks 2.0 service.

Public entry points (import them from their modules; nothing heavy is imported here):

* ``pipeline.run_hook(kb, hook, record, *, now, draft_orders=None, enable_ex=False,
  parameters=None, context=None) -> dict`` - the exact CDS Hooks response body for one
  patient (``kb``: a ``fhirrules.reasoning.knowledge.KnowledgeBase`` or any ``Reasoner``;
  ``record``: a ``fhirrules.fhir.record.PatientRecord``). ``run_hook_cards`` returns the
  ``cards.CardSet`` (cards with rule ids and evidence grades) instead.
* ``cards.map_request_group(request_group, plan, resources=..., seed=...)`` - one
  RequestGroup to cards (the HL7 cds-hooks-clinical-reasoning mapping).
* ``reasoner.load_reasoner(dirs, knowledge_only=False)`` - load and compile the knowledge once.
* ``app.create_app(config, reasoner=None)`` - the FastAPI app; ``config.load_config(path)``.
* ``batch.run_batch(units, options, jobs)`` - many patients in worker processes (the CLI).
* ``lint.lint_knowledge(dirs)`` - the knowledge checks behind ``fhirrules check``.
* ``explain`` - per-rule condition and define values behind ``fhirrules explain``.

Knowledge conventions read by the card mapper, beyond docs/internals.md section 4
(extensions on a PlanDefinition action): ``cards.OVERRIDE_REASON_EXT`` (valueCoding,
repeatable) -> ``overrideReasons``; ``cards.RECOMMENDED_EXT`` (valueBoolean, on a child
action) -> ``isRecommended``; ``cards.SYSTEM_ACTION_EXT`` (valueBoolean) -> the action's
resources become ``systemActions`` instead of a card."""
