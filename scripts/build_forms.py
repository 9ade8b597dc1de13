"""Regenerate models/forms/<template>.json from the shared field catalogue (forms.yaml).

usage: python scripts/build_forms.py [path/to/forms.yaml]

The JSON keeps, verbatim, what the pipeline needs of each template: field ids,
labels, numbering, parents, kinds, units, cells, derived_from, the constraints and
the detect keywords. tests/test_forms_schema.py fails when the JSON drifts from
the spec.
"""
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = ROOT.parent / "shared" / "spec" / "forms" / "forms.yaml"
KEEP_FIELD = ("id", "label", "label_full", "numbering", "parent", "kind", "unit", "cell",
              "derived_from", "comparable_to")


def build(spec_path: Path) -> dict:
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    out = {}
    for t in spec["templates"]:
        fields = [{k: f[k] for k in KEEP_FIELD if k in f and f[k] is not None} for f in t["fields"]]
        variants = []
        for v in t.get("variants", []) or []:
            variants.append({k: v[k] for k in ("id", "status", "core_rows", "extra_rows", "extra_rows_under",
                                               "value_columns_seen") if k in v})
        out[t["id"]] = {
            "id": t["id"], "name": t["name"], "basis": t.get("basis"),
            "used_for_report_years": t.get("used_for_report_years"),
            "detect": t.get("detect", {}), "sections": t.get("sections", []),
            "fields": fields, "constraints": t.get("constraints", []), "variants": variants,
            "source": "generated from spec/forms/forms.yaml by scripts/build_forms.py; do not edit",
        }
    return out


def main() -> None:
    spec_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SPEC
    for tid, data in build(spec_path).items():
        path = ROOT / "models" / "forms" / f"{tid}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}: {len(data['fields'])} fields, {len(data['constraints'])} constraints")


if __name__ == "__main__":
    main()
