"""The main job at scale: 10,000 synthetic reports + 5% broken files (one of 100 MB), a clean
run, three SIGKILLs each followed by --resume, and the evaluation of the generated gold.

usage: python benchmarks/accept_batch.py [WORKDIR]   (about 5 minutes on 2 cores)
"""
import os, random, signal, sqlite3, subprocess, sys, time, json
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))
from zhreport.synth import write_corpus
from zhreport.batch import list_inputs
base = sys.argv[1] if len(sys.argv) > 1 else 'acceptance-run'
t = time.time()
n = write_corpus(f'{base}/c', n=10000, seed=42, broken=0.05)
print('generated', n, 'files in', round(time.time() - t, 1), 's', flush=True)
docs = f'{base}/c/docs'
paths = list_inputs(docs)
env = dict(os.environ, PYTHONPATH=str(__import__('pathlib').Path(__file__).resolve().parents[1]))
py = sys.executable
def rows(out):
    conn = sqlite3.connect(f'{out}/zhreport.sqlite')
    d = sorted(conn.execute('SELECT source, sha256, report FROM documents'))
    e = sorted(conn.execute('SELECT source, sha256, status, reason FROM errors'))
    conn.close()
    return d, e
t = time.time()
p = subprocess.run([py, '-m', 'zhreport', 'batch', docs, '-o', f'{base}/clean', '--workers', '2', '--quiet'], env=env, capture_output=True, text=True)
print('clean run', round(time.time() - t, 1), 's rc', p.returncode, p.stderr.strip().splitlines()[-2:], flush=True)
d, e = rows(f'{base}/clean')
print('files', len(paths), 'documents', len(d), 'errors+skipped', len(e), 'sum', len(d) + len(e), flush=True)
import collections
print(collections.Counter(r[2] for r in e), flush=True)
print(sorted({r[3][:60] for r in e})[:12], flush=True)
rng = random.Random(7)
cmd = [py, '-m', 'zhreport', 'batch', docs, '-o', f'{base}/killed', '--workers', '2', '--quiet']
for k in range(3):
    q = subprocess.Popen(cmd + (['--resume'] if k else []), env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    wait = rng.uniform(5, 20)
    time.sleep(wait)
    try:
        os.killpg(q.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    q.wait()
    conn = sqlite3.connect(f'{base}/killed/zhreport.sqlite'); done = conn.execute('select count(*) from documents').fetchone()[0] + conn.execute('select count(*) from errors').fetchone()[0]; conn.close()
    print(f'killed after {wait:.1f} s with {done} documents stored', flush=True)
p = subprocess.run(cmd + ['--resume'], env=env, capture_output=True, text=True)
print('resumed:', p.stderr.strip().splitlines()[-2], flush=True)
print('killed+resumed equals clean run:', rows(f'{base}/killed') == rows(f'{base}/clean'), flush=True)
p = subprocess.run([py, '-m', 'zhreport', 'evaluate', f'{base}/c/gold.jsonl', '--json'], env=env, capture_output=True, text=True)
r = json.loads(p.stdout); r.pop('misses', None)
print(json.dumps({k: v for k, v in r.items()}, ensure_ascii=False), flush=True)
