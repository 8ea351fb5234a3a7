"""Turns config/plan.yaml into the plan (Kế hoạch) and its annex (Phụ lục) as .docx.

The flow, one module per stage:
    config.load_plan  -> model.Plan          (parse and validate the clerk's YAML)
    quotas.allocate   -> quotas.Allocation   (the only place quotas are computed)
    documents.KINDS                          (the registry: template, context, fan-out, output)
    context.build     -> dict                (what the templates print)
    templatecheck     -> findings            (every template checked before it fills anything)
    prepare.prepare   -> templating.PreparedTemplate  (python-docx + docxtpl, once per template file)
    render.compiled   -> bytes               (docxtpl's bytes, sandboxed, strict; from the prepared template)
    output.write_all                         (atomic, byte-reproducible)
main.py runs them in order for each step; steps.py declares the steps (one per thing a clerk
does); cli.py and web/ are two thin doors onto steps.run_step. tests/test_architecture.py keeps
the import graph free of cycles.
"""

__version__ = "1.1.0"
