"""The apps' layering holds (import-linter, as `make check` runs it), and no module hides
an import in a function: an import inside a function is a cycle waiting to happen or one
papered over. The exceptions are the AppConfig.ready() hooks, where Django wants them."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "governance", "incidents", "measures", "reports", "reminders", "plans", "perf")


def _function_level_imports() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path.name == "apps.py":
                continue
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom) and node.module:
                        modules = [node.module]
                    elif isinstance(node, ast.Import):
                        modules = [alias.name for alias in node.names]
                    else:
                        continue
                    found += [
                        f"{path.relative_to(ROOT)}:{node.lineno} {module}"
                        for module in modules
                        if module.split(".")[0] in (*APPS, "config")
                    ]
    return found


def test_no_module_imports_this_project_inside_a_function():
    assert _function_level_imports() == []


def test_the_layering_contract_is_kept():
    result = subprocess.run(  # noqa: S603 - our own venv's lint-imports
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 kept, 0 broken" in result.stdout
