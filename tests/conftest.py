import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"  # the project's shared folder, beside the checkout in CI


def load_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def seed_text():
    return (CORPORA / "sample" / "zhashui_2018_seed.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_gold():
    return load_jsonl(CORPORA / "gold" / "seed.gold.jsonl")[0]


@pytest.fixture(scope="session")
def dev_cases():
    return load_jsonl(CORPORA / "dev" / "dev.jsonl")


@pytest.fixture(scope="session")
def seed_report(seed_text):
    import zhreport

    return zhreport.extract(seed_text)
