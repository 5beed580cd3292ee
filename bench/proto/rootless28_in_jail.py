import os, subprocess, sys, time, shutil
from pathlib import Path
from autograder import jail
tree = Path("/work/main/.course/modern-engine/tree-cd33b76f8f19")
user = jail.slot_user(7)
home = Path("/tmp/rl28home")
shutil.rmtree(home, ignore_errors=True)
(home / "run").mkdir(parents=True); (home / "data").mkdir()
for p in (home, home / "run", home / "data"): os.chown(p, user.uid, user.gid)
os.chmod(home / "run", 0o700)
subprocess.run(["ip", "netns", "add", "rl28"], check=False)
subprocess.run(["ip", "netns", "exec", "rl28", "ip", "link", "set", "lo", "up"], check=True)
j = jail.Jail("rl28", user, home, readonly=(tree, Path("/tmp/rl28")))
j.create()
try:
    env = {"XDG_RUNTIME_DIR": str(home / "run"), "HOME": str(home), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    argv = j.argv(["/tmp/rl28/rl.sh", str(tree), "--data-root", str(home / "data"), "--exec-root", str(home / "run/exec"),
                   "-H", f"unix://{home}/run/docker.sock", "--pidfile", str(home / "run/docker.pid")],
                  cwd=home, env=env, netns="rl28", no_new_privs=False)
    log = open("/tmp/rl28/dockerd.log", "wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=log, start_new_session=True)
    sock = home / "run/docker.sock"
    for _ in range(60):
        if sock.exists(): break
        time.sleep(0.5)
    time.sleep(2)
    D = ["docker", "-H", f"unix://{sock}"]
    print(subprocess.run(D + ["info", "--format", "{{.ServerVersion}} {{.DriverStatus}} {{.SecurityOptions}}"], capture_output=True, text=True).stdout)
    save = subprocess.Popen(["docker", "save", "busybox:1.37"], stdout=subprocess.PIPE)
    print(subprocess.run(D + ["load"], stdin=save.stdout, capture_output=True, text=True).stdout.strip())
    r = subprocess.run(D + ["run", "--name", "c1", "busybox:1.37", "sh", "-c", "for i in $(seq 1 2000); do echo $i > /f$i; done; dd if=/dev/zero of=/big bs=1M count=50 2>/dev/null; echo ran"], capture_output=True, text=True)
    print("run:", r.stdout.strip(), r.stderr.strip()[-400:])
    t0 = time.monotonic(); r = subprocess.run(D + ["commit", "c1", "t:1"], capture_output=True, text=True); print(f"commit {time.monotonic()-t0:.2f} s", r.stderr.strip()[-300:])
    t0 = time.monotonic(); r = subprocess.run(D + ["run", "--rm", "-p", "3000:3000", "busybox:1.37", "true"], capture_output=True, text=True); print(f"run -p {time.monotonic()-t0:.2f} s", r.stderr.strip()[-300:])
    proc.terminate(); proc.wait(30)
finally:
    j.destroy()
    subprocess.run(["ip", "netns", "delete", "rl28"], check=False)
