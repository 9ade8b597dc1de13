"""The researcher's tables: forms.csv, values.csv and codebook.csv load as they are in pandas,
with names Stata and R accept, every column described, and no spreadsheet formulas."""
import csv
import json
import keyword
import re
import sqlite3

import pytest

from zhreport.batch import run_batch
from zhreport.exports import FORMS_KEY, codebook_rows, column_name, export, field_columns, safe_cell

from .conftest import CORPORA

pd = pytest.importorskip("pandas")

# R's reserved words and Stata's reserved names: no column may be one
R_RESERVED = {"if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE", "NULL",
              "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "in"}
STATA_RESERVED = {"_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
                  "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"}
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("exports")
    inputs = [str(CORPORA / "sample" / "zhashui_2018_seed.txt"),
              str(CORPORA / "sample" / "d21_2022_gov2021.txt"),
              str(CORPORA / "sample" / "d08_2017_gov2008.txt")]
    run_batch(inputs, str(d), workers=1, progress=False)
    return d


def test_column_names_are_valid_in_stata_r_and_pandas(out):
    header = next(csv.reader(open(out / "forms.csv", encoding="utf-8")))
    assert len(header) == len(set(header)) == len(FORMS_KEY) + len(field_columns())
    bad = [h for h in header if not NAME.match(h) or h in R_RESERVED | STATA_RESERVED or keyword.iskeyword(h)]
    assert bad == []
    assert column_name("requests.outcome.denied.third_party_rights.legal_person.social_welfare") == \
        "req_out_den_thirdparty_lp_welf"


def test_forms_and_values_load_in_pandas_with_their_types(out):
    forms = pd.read_csv(out / "forms.csv")
    values = pd.read_csv(out / "values.csv")
    assert len(forms) == 3
    seed = forms[forms["source"].str.endswith("zhashui_2018_seed.txt")].iloc[0]
    assert seed["issuer"] == "柞水县人民政府办公室" and seed["issuer_level"] == "county government"
    assert int(seed["region_code"]) == 611026 and seed["region_name"] == "陕西省商洛市柞水县"
    assert seed["req_received_total"] == 13 and seed["admin_review_total"] == 2
    # count and money columns are numbers, text fields text
    assert pd.api.types.is_numeric_dtype(forms["req_received_total"])
    assert pd.api.types.is_numeric_dtype(forms["fees_request_fees"])
    assert pd.api.types.is_numeric_dtype(forms["year"])
    assert pd.api.types.is_numeric_dtype(values["value"]) and pd.api.types.is_numeric_dtype(values["fact_start"])
    assert set(values.columns) >= {"source", "field", "value", "approx", "origin", "fact_start", "fact_end"}
    assert set(values["origin"]) <= {"table", "narrative", "both", "text", "meta"}
    # every row of values.csv is a cell of forms.csv, with the same value
    for _, v in values[values["value"].notna()].iterrows():
        row = forms[(forms["source"] == v["source"]) & (forms["sha256"] == v["sha256"])].iloc[0]
        assert row[v["column"]] == pytest.approx(v["value"])


def test_values_keep_offsets_and_approximations(out):
    reports = {json.loads(line)["source"]: json.loads(line) for line in open(out / "reports.jsonl", encoding="utf-8")}
    rows = list(csv.DictReader(open(out / "values.csv", encoding="utf-8")))
    with_fact = [r for r in rows if r["fact_start"]]
    assert with_fact
    texts = {src: open(src, encoding="utf-8").read() for src in reports}
    for r in with_fact:
        assert texts[r["source"]][int(r["fact_start"]):int(r["fact_end"])] == r["fact_text"]
    approx_facts = [(src, f) for src, rep in reports.items() for f in rep["facts"] if f["approx"] and f["field"]
                    and rep["form"].get(f["field"], {}).get("source") == "narrative"]
    for src, f in approx_facts:
        row = next(r for r in rows if r["source"] == src and r["field"] == f["field"])
        assert row["approx"] == f["approx"]
    assert approx_facts  # d08 states 868余条


def test_codebook_covers_every_column_of_every_table(out):
    book = list(csv.DictReader(open(out / "codebook.csv", encoding="utf-8")))
    described = {(r["file"], r["column"]) for r in book}
    for name in ("forms.csv", "values.csv", "checks.csv", "errors.csv"):
        header = next(csv.reader(open(out / name, encoding="utf-8")))
        assert {(name, h) for h in header} <= described, name
    fields = {r["field"]: r for r in book if r["field"]}
    received = fields["requests.received.total"]
    assert received["templates"] == "gov2008 gov2019 gov2021" and received["kind"] == "count"
    assert received["label_gov2008"].endswith("收到申请数") and "本年新收" in received["label_gov2021"]
    assert fields["fees.request_fees"]["kind"] == "money" and fields["fees.request_fees"]["unit"] == "万元"
    assert fields["proactive.art20_5.licensing.change"]["kind"] == "change"
    # a column whose meaning moved between generations says what it compares to, both ways
    assert "gov2019:proactive.art20_1.normative_docs.new_made" in fields["proactive.normative_docs.issued"]["comparable"]
    assert "gov2008:proactive.normative_docs.issued" in fields["proactive.art20_1.normative_docs.new_made"]["comparable"]
    assert all(r["kind"] in {"count", "money", "percent", "change", "text", "key", "number"} for r in book)
    assert len([r for r in book if r["file"] == "forms.csv"]) == len(FORMS_KEY) + len(field_columns())
    assert codebook_rows() == codebook_rows()  # deterministic
    # values.csv gives each value in the unit the codebook states for its field
    for v in csv.DictReader(open(out / "values.csv", encoding="utf-8")):
        assert v["unit"] == fields[v["field"]]["unit"], v


def test_formula_cells_are_neutralised_in_the_written_file(tmp_path):
    conn = sqlite3.connect(":memory:")
    conn.executescript("""
      CREATE TABLE documents (source TEXT, sha256 TEXT, report TEXT);
      CREATE TABLE checks (source TEXT, rule TEXT, severity TEXT, fields TEXT, message TEXT);
      CREATE TABLE errors (source TEXT, status TEXT, reason TEXT);
      CREATE TABLE export_rows (source TEXT, sha256 TEXT, version TEXT, forms_row TEXT, values_rows TEXT);""")
    report = {"source": "a.txt", "sha256": "0" * 64, "year": 2020, "template": "gov2019",
              "issuer": "=HYPERLINK(\"http://x\")", "issuer_level": None, "region": None, "facts": [],
              "form": {"meta.filing_unit": {"value": "@SUM(A1)", "facts": [], "source": "table"},
                       "proactive.art20_5.licensing.change": {"value": -3, "facts": [], "source": "table"}},
              "checks": []}
    conn.execute("INSERT INTO documents VALUES (?,?,?)", ("a.txt", "0" * 64, json.dumps(report)))
    conn.execute("INSERT INTO checks VALUES ('a.txt','sum','error','x','+1 more than the parts')")
    export(conn, tmp_path)
    forms = list(csv.DictReader(open(tmp_path / "forms.csv", encoding="utf-8")))[0]
    assert forms["issuer"] == "'=HYPERLINK(\"http://x\")" and forms["meta_filing_unit"] == "'@SUM(A1)"
    assert forms["pro_art20_5_licensing_change"] == "-3"  # a number stays a number
    values = {r["field"]: r for r in csv.DictReader(open(tmp_path / "values.csv", encoding="utf-8"))}
    assert values["proactive.art20_5.licensing.change"]["value"] == "-3"
    assert values["meta.filing_unit"]["text"] == "'@SUM(A1)"
    assert open(tmp_path / "checks.csv", encoding="utf-8").read().splitlines()[1].endswith("'+1 more than the parts")
    assert safe_cell(-3) == -3 and safe_cell("-x") == "'-x" and safe_cell("ok") == "ok"


def test_rows_the_workers_rendered_equal_rows_rendered_from_the_report(out, tmp_path):
    """The export writes the rows the workers rendered; a store of another version (rows of other
    columns, or none) gives the same files, rendered again from each report."""
    import shutil

    shutil.copy(out / "zhreport.sqlite", tmp_path / "store.sqlite")  # the module's store stays as written
    conn = sqlite3.connect(str(tmp_path / "store.sqlite"))
    stored = conn.execute("SELECT count(*) FROM export_rows WHERE version IS NOT NULL").fetchone()[0]
    assert stored == conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    names = ("forms.csv", "values.csv", "reports.jsonl")
    as_written = {n: (out / n).read_bytes() for n in names}
    conn.execute("UPDATE export_rows SET version = 'other columns', forms_row = 'x', values_rows = 'y' "
                 "WHERE rowid = (SELECT min(rowid) FROM export_rows)")
    conn.execute("DELETE FROM export_rows WHERE rowid = (SELECT max(rowid) FROM export_rows)")
    export(conn, tmp_path)
    assert {n: (tmp_path / n).read_bytes() for n in names} == as_written


def test_a_documents_rows_are_what_csv_writer_writes_of_their_cells(tmp_path):
    """The workers render a document's rows cell by cell: quoting, apostrophes and numbers as
    csv.writer writes them (its rows read back and written again give the same bytes)."""
    import io

    from zhreport.exports import VALUES_COLUMNS, document_rows

    odd = 'a,b "c"\r\nd'
    facts = [{"start": 3, "end": 9, "text": "-2,5件", "value": -2.5, "unit": "件", "approx": None, "source": "table"},
             {"start": 20, "end": 24, "text": "约1件", "value": 1e-05, "unit": "件", "approx": "about",
              "source": "narrative"}]
    report = {"source": "dir,1/a \"b\".txt", "sha256": "0" * 64, "year": 2020, "template": "gov2019",
              "issuer": "=某局", "issuer_level": "a\rb",
              "region": {"code": "110000", "name": "北京市", "level": None},
              "facts": facts,
              "form": {"meta.filing_unit": {"value": odd, "facts": [], "source": "meta"},
                       "capacity.budget": {"value": 1e-05, "facts": [1], "source": "narrative", "flags": ["imputed"]},
                       "requests.total": {"value": -3, "facts": [1, 0], "source": "both"},
                       "requests.carried_over": {"value": None, "facts": [], "source": "table",
                                                 "flags": ["blank_cell"]},
                       "meta.period": {"value": "", "facts": [], "source": "meta"}}}
    forms_row, values_rows = document_rows(report)
    for text in (forms_row, values_rows):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        again = io.StringIO()
        csv.writer(again).writerows(rows)
        assert again.getvalue() == text
    values = {row[2]: dict(zip(VALUES_COLUMNS, row)) for row in csv.reader(io.StringIO(values_rows, newline=""))}
    assert values["meta.filing_unit"]["text"] == odd and values["meta.filing_unit"]["value"] == ""
    assert values["requests.total"]["value"] == "-3" and values["requests.total"]["fact_text"] == "'-2,5件"
    assert (values["requests.total"]["fact_start"], values["requests.total"]["n_facts"]) == ("3", "2")
    assert values["capacity.budget"]["value"] == "1e-05" and values["capacity.budget"]["approx"] == "about"
    assert values["requests.carried_over"]["value"] == values["requests.carried_over"]["fact_start"] == ""
    assert values["requests.carried_over"]["flags"] == "blank_cell"
    assert {row["source"] for row in values.values()} == {report["source"]}
    forms = next(csv.reader(io.StringIO(forms_row, newline="")))
    assert forms[:5] == [report["source"], "0" * 64, "2020", "gov2019", "'=某局"]
    assert forms[5:9] == ["a\rb", "110000", "北京市", ""]
