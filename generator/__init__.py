"""Turns config/plan.yaml into the plan (Kế hoạch) and its annex (Phụ lục) as .docx.

The flow, one module per stage:
    config.load_plan  -> model.Plan          (parse and validate the clerk's YAML)
    quotas.allocate   -> quotas.Allocation   (the only place quotas are computed)
    context.build     -> dict                (what the templates print)
    render.render_all -> {name: bytes}       (docxtpl, sandboxed, strict)
    output.write_all                         (atomic, byte-reproducible)
main.build() runs them in order; cli.py and web/ are thin doors onto main.
"""
