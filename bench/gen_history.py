#!/usr/bin/env python3
# Synthetic shell history for the query, import and privacy benchmarks: deterministic (seed 42), so every
# run and every machine gets the same commands. Usage: OUT_DIR=DIR python3 bench/gen_history.py [N]
# (N defaults to 100000). Writes DIR/bash_history_N (`#epoch` line before each command, as bash's
# HISTTIMEFORMAT writes them) and DIR/zsh-histdb-N.db (zsh-histdb's schema, with cwd, host, exit status,
# duration and session), the same N commands in both.
import random, sqlite3, os, sys
random.seed(42)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
projects = [f"proj{i:02d}" for i in range(40)]
subdirs = ["", "/src", "/tests", "/docs", "/scripts", "/build", "/src/core", "/src/api", "/deploy"]
dirs = ["/home/user", "/tmp", "/etc", "/var/log"] + [f"/home/user/code/{p}{s}" for p in projects for s in subdirs]
hosts = ["laptop", "desktop", "buildbox", "pi"]
files = [f"{n}.{e}" for n in ["main","util","config","server","client","index","app","test_api","README","Makefile","schema","handler","models","views","lib"] for e in ["py","rs","go","ts","md","swift","c","h","toml","yaml"]]
branches = ["main","dev","feature/login","fix/crash","release/1.2","wip","refactor-db","perf"]
words = "fix add update remove refactor bump cleanup test docs perf init merge revert wip typo lint deps build ci config".split()
pods = [f"web-{i}" for i in range(20)] + [f"worker-{i}" for i in range(10)]
ns = ["default","prod","staging","kube-system","monitoring"]
images = ["nginx:latest","postgres:16","redis:7","ubuntu:22.04","python:3.12","node:20","alpine:3.19"]
hostsn = ["db1","db2","web1","web2","bastion","gpu01","gpu02","ci-runner"]
pats = ["TODO","FIXME","error","panic","unwrap","timeout","deprecated","sqlite","password","fn main"]
pkgs = ["requests","numpy","pandas","flask","pytest","ripgrep","jq","htop","tmux","sqlite3","hyperfine","fzf"]
def cmd():
    r = random.random()
    t = random.choices(range(30), weights=[14,6,12,4,6,6,3,3,4,4,6,2,2,3,2,8,2,3,2,2,1,1,2,2,1,1,1,4,2,2])[0]
    f = random.choice(files); b = random.choice(branches)
    if t==0: return random.choice(["ls","ls -la","ll","pwd","clear","git status","cd ..","cd -","history","exit"])
    if t==1: return f"cd {random.choice(dirs)}"
    if t==2: return f"git commit -m \"{random.choice(words)} {random.choice(words)} {random.choice(words)} #{random.randint(1,99999)}\""
    if t==3: return f"git checkout {b}"
    if t==4: return random.choice(["git pull","git push","git push origin "+b,"git log --oneline -20","git diff","git diff --stat","git fetch --all","git stash","git stash pop","git add -A","git add "+f])
    if t==5: return f"vim {random.choice(['','src/','tests/','src/core/','docs/'])}{f}" if random.random()<0.6 else f"vim {random.choice(projects)}/{random.randint(1,400)}/{f}"
    if t==6: return f"grep -rn \"{random.choice(pats)}\" {random.choice(['.','src','tests','/var/log'])}"
    if t==7: return f"rg {random.choice(pats)} {random.choice(['','-t py','-t rust','--hidden'])}".strip()
    if t==8: return f"cat {f}" if random.random()<0.5 else f"cat /tmp/out-{random.randint(1,100000)}.log"
    if t==9: return random.choice(["make","make test","make clean","make -j8","cargo build","cargo build --release","cargo test","go build ./...","go test ./...","swift build","swift test","npm run build","npm test"])
    if t==10: return f"python3 {random.choice(['train.py','manage.py runserver','scripts/etl.py','-m pytest -x','bench.py --n '+str(random.randint(1,10000))])}"
    if t==11: return f"docker run --rm -it {random.choice(images)} {random.choice(['bash','sh','psql','redis-cli'])}"
    if t==12: return random.choice(["docker ps","docker ps -a","docker images","docker compose up -d","docker compose down","docker logs -f "+random.choice(pods)])
    if t==13: return f"kubectl {random.choice(['get pods','get svc','describe pod '+random.choice(pods),'logs -f '+random.choice(pods),'get deploy'])} -n {random.choice(ns)}"
    if t==14: return f"ssh {random.choice(hostsn)}"
    if t==15: return f"curl -s https://api.example.com/v{random.randint(1,3)}/{random.choice(['users','items','health','orders'])}/{random.randint(1,200000)} | jq ."
    if t==16: return f"{random.choice(['pip install','apt-get install -y','brew install','cargo install'])} {random.choice(pkgs)}"
    if t==17: return f"find . -name '*.{random.choice(['py','rs','go','swift','log','tmp'])}' {random.choice(['','-delete','-mtime -1','| wc -l'])}".strip()
    if t==18: return f"tail -f /var/log/{random.choice(['syslog','nginx/access.log','nginx/error.log','app.log'])}"
    if t==19: return f"sqlite3 {random.choice(['app.db','history.db','test.db'])} \"select count(*) from {random.choice(['users','history','events'])}\""
    if t==20: return f"htop"
    if t==21: return f"man {random.choice(['git','bash','sqlite3','find','xargs','rsync'])}"
    if t==22: return f"rm -rf {random.choice(['build','dist','target','node_modules','__pycache__','.cache'])}"
    if t==23: return f"mkdir -p {random.choice(['build','out','tmp/'+str(random.randint(1,500)),'logs'])}"
    if t==24: return f"export {random.choice(['PATH','RUST_LOG','DEBUG','PORT','NODE_ENV'])}={random.choice(['1','debug','info','8080','production','$HOME/bin:$PATH'])}"
    if t==25: return f"rsync -avz {random.choice(['./dist/','./build/','~/data/'])} {random.choice(hostsn)}:/srv/{random.choice(projects)}/"
    if t==26: return f"tar czf backup-{random.randint(1,900)}.tgz {random.choice(['src','data','logs'])}"
    if t==27: return f"echo {random.choice(['hello','$PATH','$HOME','done','test '+str(random.randint(1,100000))])}"
    if t==28: return f"./{random.choice(['run.sh','build.sh','deploy.sh --env '+random.choice(ns),'bench.sh'])}"
    return f"{random.choice(['less','head -50','wc -l','stat','du -sh','chmod +x','code','open'])} {f}"
rows = []
ts = 1_700_000_000  # Nov 2023
session = 0
for i in range(N):
    if random.random() < 0.02: session += 1
    ts += random.choice([1,2,3,5,8,13,30,60,120,600,3600]) if random.random()>0.001 else 86400
    c = cmd()
    d = random.choice(dirs[:60]) if random.random() < 0.7 else random.choice(dirs)
    ex = random.choices([0,1,2,127,130],[88,6,2,2,2])[0]
    dur = int(random.lognormvariate(0,1.5))
    rows.append((ts, c, d, ex, dur, session, random.choices(hosts,[70,20,8,2])[0]))
out = os.environ.get("OUT_DIR", ".")
with open(f"{out}/bash_history_{N}", "w") as fh:
    for ts,c,*_ in rows:
        fh.write(f"#{ts}\n{c}\n")
p = f"{out}/zsh-histdb-{N}.db"
if os.path.exists(p): os.remove(p)
con = sqlite3.connect(p)
con.executescript("""
CREATE TABLE commands (id integer primary key autoincrement, argv text, unique(argv) on conflict ignore);
CREATE TABLE places   (id integer primary key autoincrement, host text, dir text, unique(host, dir) on conflict ignore);
CREATE TABLE history  (id integer primary key autoincrement, session int, command_id int references commands (id), place_id int references places (id), exit_status int, start_time int, duration int);
CREATE INDEX hist_time on history(start_time);
""")
cid = {}; pid = {}
for ts,c,d,ex,dur,s,h in rows:
    if c not in cid:
        con.execute("insert into commands(argv) values(?)", (c,)); cid[c] = con.execute("select id from commands where argv=?", (c,)).fetchone()[0]
    if (h,d) not in pid:
        con.execute("insert into places(host,dir) values(?,?)", (h,d)); pid[(h,d)] = con.execute("select id from places where host=? and dir=?", (h,d)).fetchone()[0]
    con.execute("insert into history(session,command_id,place_id,exit_status,start_time,duration) values(?,?,?,?,?,?)", (s,cid[c],pid[(h,d)],ex,ts,dur))
con.commit()
print("rows", len(rows), "unique commands", len(cid), "places", len(pid), "sessions", session+1, "span days", (rows[-1][0]-rows[0][0])/86400)
