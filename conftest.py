"""Collection settings for the doctest run over the package (pytest's rootdir conftest)."""
import importlib.util

# the spaCy component imports spaCy, an extra (zhreport[spacy]): without it there is nothing to collect
collect_ignore = [] if importlib.util.find_spec("spacy") else ["zhreport/spacy_component.py"]
