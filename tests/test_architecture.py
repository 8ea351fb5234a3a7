"""The shape of the code, kept by tests: no import cycle in generator/, an import inside a function
only where it keeps a library off a path that does not need it (each with its reason), and no
module or function too long to read. Each exception is listed here with why."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"
# What takes tens of milliseconds to import, or is needed by one step only (the page, the
# spreadsheets, the PDFs): what a cold build, --help or an unchanged rebuild must not pay for.
# From the standard library, what `-X importtime` put at 2-8 ms each on an unchanged rebuild,
# whose whole budget is 0.6x the import floor (about 100 ms).
HEAVY = {"jinja2", "lxml", "docx", "docxtpl", "openpyxl", "flask", "werkzeug", "filelock", "pypdf", "python_calamine",
         "yaml", "ruamel", "subprocess", "tempfile", "shutil", "zipfile", "pickle", "dataclasses", "difflib"}
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
LONG_FUNCTIONS = {  # name: why it stays one function
}
LONG_MODULES = {  # path: why it stays one module
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    if node.level:
        base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
        base = ".".join(base + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]


def _imports() -> tuple[dict[str, set[str]], list[tuple[str, int, str, list[str]]]]:
    """Each module's imports at its top, and every import inside a function (module, line,
    target, the source lines at and above it)."""
    top: dict[str, set[str]] = {}
    inner = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        at_top = {id(n) for stmt in tree.body if not isinstance(stmt, (ast.FunctionDef, ast.ClassDef))
                  for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))}
        top[module] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(module, node):
                    if id(node) in at_top:
                        top[module].add(target)
                    else:
                        inner.append((module, node.lineno, target, lines[max(0, node.lineno - 3):node.end_lineno]))
    return top, inner


TOP, INNER = _imports()


def _heavy(module: str, seen: frozenset = frozenset()) -> set[str]:
    """The heavy libraries importing `module` brings in, through its top-level imports."""
    root = module.split(".")[0]
    if root in HEAVY:
        return {root}
    if module not in MODULES or module in seen:
        return set()
    return set().union(*(_heavy(t, seen | {module}) for t in TOP[module]))


def test_the_import_graph_of_generator_has_no_cycle():
    graph = {m: {t for t in TOP[m] if t in MODULES} for m in MODULES}
    for module, _, target, _ in INNER:
        if target in MODULES and target != module:
            graph[module].add(target)
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_an_import_inside_a_function_keeps_a_heavy_library_off_the_path_and_says_so():
    wrong = []
    for module, line, target, source in INNER:
        if target not in MODULES and target.split(".")[0] not in HEAVY:
            continue  # the standard library: cheap either way
        if target in MODULES and MODULES[target] == MODULES.get(module):
            continue
        spared = _heavy(target) - _heavy(module)
        if not spared:
            wrong.append(f"{module}:{line} {target}: nothing heavy spared, import it at the top")
        elif not any("#" in text for text in source):
            wrong.append(f"{module}:{line} {target}: spares {sorted(spared)}, but says not why (a comment)")
    assert wrong == []


def test_no_module_is_too_long_to_read():
    long = {path.relative_to(ROOT).as_posix(): n for path in MODULES.values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert {k: v for k, v in long.items() if k not in LONG_MODULES} == {}


def test_no_function_is_too_long_to_read():
    long = {}
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                name = f"{path.relative_to(ROOT).as_posix()}:{node.name}"
                if n > MAX_FUNCTION_LINES and name not in LONG_FUNCTIONS:
                    long[name] = n
    assert long == {}


def test_one_name_means_one_thing_no_two_classes_share_a_name():
    where: dict[str, list[str]] = {}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                where.setdefault(node.name, []).append(module)
    assert {name: mods for name, mods in where.items() if len(mods) > 1} == {}


def test_one_style_resolver_only_styles_py_follows_basedon_and_the_defaults():
    # Two resolvers once disagreed (11 pt against 10 pt for text no style sizes; w:val="none").
    readers = sorted(m for m, path in MODULES.items() if any(tag in path.read_text(encoding="utf-8")
                                                            for tag in ("basedOn", "docDefaults")))
    assert readers == ["generator.styles"]


def test_errors_and_the_one_problem_record_live_in_exceptions_py():
    # A rule's private signal (rulebook.NotEvaluated, stamp._NotStampable) never leaves its module.
    defined = {f"{m}.{node.name}" for m, path in MODULES.items() for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef) and (node.name == "Problem" or node.name.endswith("Error"))}
    assert defined and {d for d in defined if not d.startswith("generator.exceptions.")} == set()


def test_one_name_means_one_thing_no_two_modules_give_a_constant_two_values():
    # LOI was «lỗi» for a finding and «có lỗi» for a unit's list: the list's is now CO_LOI.
    values: dict[str, dict[str, list[str]]] = {}
    for module, path in MODULES.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                names = [target] if isinstance(target, ast.Name) else getattr(target, "elts", [])
                vals = [node.value] if isinstance(target, ast.Name) else getattr(node.value, "elts", [])
                for name, val in zip(names, vals):
                    if isinstance(name, ast.Name) and name.id.isupper() and isinstance(val, ast.Constant) \
                            and isinstance(val.value, str):
                        values.setdefault(name.id, {}).setdefault(val.value, []).append(module)
    assert {n: v for n, v in values.items() if len(v) > 1} == {}
