"""The README's Python example runs as written, and its commands are the ones CI runs."""
import doctest

from .conftest import ROOT


def test_readme_example():
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and result.failed == 0


def test_readme_commands_and_ci_agree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    i = readme.index("# run the tests")
    assert "pytest" in readme[i + 1]
    j = readme.index("# run the main job on the bundled corpus")
    assert "corpora/" in readme[j + 1]
    assert "# run the tests" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
