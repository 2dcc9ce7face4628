"""Which app may import which (DESIGN.md): the contracts in pyproject.toml hold."""

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_no_app_imports_a_layer_above_it_or_the_demo(capsys):
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert exit_code == 0, capsys.readouterr().out
