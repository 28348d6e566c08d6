"""The apps form layers: an app imports only apps of lower layers (and the kernel).

A lower app that needs something from a higher one offers a hook that the higher app fills
at start-up in ``AppConfig.ready`` (the onboarding gate, the venue list's rating filters,
dashboard panels, upload owners, alert kinds). Imports sit at the top of modules, where
the reader sees what a module depends on; only ``ready()`` imports inside a function (Django
requires it there). CONTRIBUTING.md explains the layers.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Apps in the same layer do not import each other.
LAYERS: list[set[str]] = [
    {"daodao"},                    # kernel: settings, helpers
    {"audit"},                     # the audit log
    {"accounts"},                  # users, roles, capabilities, jurisdictions
    {"notices", "venues"},         # in-app notices; the venue registry and scoping
    {"exports"},                   # background exports (kinds registered from above)
    {"alerts"},                    # the police inbox
    {"staff"},                     # employees, sign-in, the detector
    {"inspections", "pledges", "outreach", "hairtests"},
    {"training"},                  # exams gate activation (a hook in staff)
    {"ratings"},                   # reads everything below as facts
    {"appeals"},                   # appeals, replies and re-visits on ratings
    {"reports", "dashboard"},      # compose the rest
]
LAYER_OF = {app: i for i, layer in enumerate(LAYERS) for app in layer}

# Project wiring: these modules put the apps together and may import any of them.
WIRING = {"daodao/urls.py", "daodao/celery.py"}


def _modules() -> list[Path]:
    out = []
    for app in LAYER_OF:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel in WIRING:
                continue
            out.append(path)
    return sorted(out)


def _imports(tree: ast.AST) -> list[tuple[ast.stmt, str]]:
    found: list[tuple[ast.stmt, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node, node.module))
    return found


def test_every_app_has_a_layer() -> None:
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - LAYER_OF.keys() == set(), "add the new app to LAYERS (and to CONTRIBUTING.md)"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_upward_or_sideways_import(path: Path) -> None:
    app = path.relative_to(ROOT).parts[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = []
    for node, module in _imports(tree):
        target = module.split(".")[0]
        if target in LAYER_OF and target != app and LAYER_OF[target] >= LAYER_OF[app]:
            wrong.append(f"line {node.lineno}: {app} (layer {LAYER_OF[app]}) imports {module} "
                         f"(layer {LAYER_OF[target]})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_at_the_top(path: Path) -> None:
    if path.name == "apps.py":
        return  # AppConfig.ready() imports models and hooks once the registry is ready
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(fn) if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert not hidden, "move these imports to the top of the module:\n" + "\n".join(hidden)


def test_the_layering_rule_can_fail(tmp_path: Path) -> None:
    """The checker itself: a lower app importing a higher one is reported."""
    tree = ast.parse("from ratings.models import Tier\n")
    imports = _imports(tree)
    assert imports and LAYER_OF[imports[0][1].split(".")[0]] > LAYER_OF["venues"]


MAX_LINES = 400


def test_no_module_over_four_hundred_lines() -> None:
    """Big modules become packages by topic (services/, views/, models/, detector/)."""
    long = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "node_modules/")) or "/migrations/" in rel:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            long[rel] = lines
    assert long == {}, "split these by topic: " + ", ".join(f"{k} ({v})" for k, v in sorted(long.items()))
