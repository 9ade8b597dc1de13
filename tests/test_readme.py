"""The README's Python example runs as written, and its commands are the ones CI runs."""
import doctest
import json

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


def _python_blocks(text):
    blocks, cur = [], None
    for line in text.splitlines():
        if cur is None and line.strip() == "```python":
            cur = []
        elif cur is not None and line.strip() == "```":
            blocks.append("\n".join(cur) + "\n")
            cur = None
        elif cur is not None:
            cur.append(line)
    return blocks


def _installed() -> bool:
    from importlib import metadata

    try:
        metadata.distribution("zhreport")
    except metadata.PackageNotFoundError:
        return False
    return True


def test_every_python_block_of_the_readme_runs_as_written(tmp_path):
    """Doctest blocks run above; every other block runs as a script in a folder with the
    inputs it names (files.txt, the out/ of a batch run)."""
    import os
    import subprocess
    import sys

    from zhreport.batch import run_batch

    blocks = [b for b in _python_blocks((ROOT / "README.md").read_text(encoding="utf-8")) if ">>>" not in b]
    assert len(blocks) >= 2
    if not _installed():  # add_pipe("zhreport") finds the component by the installed package's entry point
        blocks = [b for b in blocks if 'add_pipe("zhreport"' not in b]
    sample = [str(ROOT / "corpora" / "sample" / n) for n in ("zhashui_2018_seed.txt", "d01_2014_gov2008.txt")]
    run_batch(sample, str(tmp_path / "out"), workers=1, progress=False)
    (tmp_path / "files.txt").write_text("\n".join(sample) + "\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for i, block in enumerate(blocks):
        script = tmp_path / f"block{i}.py"
        script.write_text(block, encoding="utf-8")
        p = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, timeout=600)
        assert p.returncode == 0, (block, p.stderr.decode()[-2000:])
    parts = sorted((tmp_path / "out").glob("part-*.jsonl"))
    results = [json.loads(line) for f in parts for line in f.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["source"] for r in results) == sorted(sample) and all(r["status"] == "ok" for r in results)


def test_readme_installs_extras_from_the_checkout():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "'zhreport[dask]'" not in readme and "'.[dask]'" in readme
