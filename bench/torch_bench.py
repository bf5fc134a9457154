"""PyTorch CPU column of the Profundo benchmark (bench/run.ts starts this script).

Reads a JSON spec on stdin: the thread count, the timing options and the workloads (matmul and
conv shapes; for training steps the sizes, the optimizer, and raw float32/int32 files holding the
initial weights under their state-dict keys and the batch, so the first loss can be compared with
the other libraries'; for the per-op overhead workloads their tiny inputs and expected result as
numbers). Prints one JSON line: {"torch": version, "threads": n, "results": {id:
{"ms", "runs", "first"} or {"na", "detail"}}}. Progress goes to stderr.
"""
import json
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def uniform(shape, lo=-0.5, hi=0.5):
    return torch.rand(*shape) * (hi - lo) + lo


def load(spec):
    dtype = np.int32 if spec["dtype"] == "int32" else np.float32
    t = torch.from_numpy(np.fromfile(spec["file"], dtype=dtype).reshape(spec["shape"]))
    return t.long() if spec["dtype"] == "int32" else t


def matmul(case):
    m, k, n = case["m"], case["k"], case["n"]
    a = uniform([k, m] if case["transA"] else [m, k])
    b = uniform([n, k] if case["transB"] else [k, n])
    a = a.t() if case["transA"] else a  # a transposed view, as a backward pass holds it
    b = b.t() if case["transB"] else b
    return lambda: torch.matmul(a, b)


def conv(case):
    n, c, h, w, o, k, pad = (case[key] for key in ("n", "c", "h", "w", "o", "k", "pad"))
    x, wt, dy = uniform([n, c, h, w]), uniform([o, c, k, k], -0.05, 0.05), uniform([n, o, h, w])
    if case["pass"] == "forward":
        return lambda: F.conv2d(x, wt, padding=pad)
    # The kernel autograd calls for conv2d's backward, asked for one gradient.
    mask = [case["pass"] == "input", case["pass"] == "filter", False]
    index = 0 if case["pass"] == "input" else 1
    return lambda: torch.ops.aten.convolution_backward(
        dy, x, wt, None, [1, 1], [pad, pad], [1, 1], False, [0, 0], 1, mask
    )[index]


def network(case):
    sizes = case["sizes"]
    if case["model"] == "mlp":
        net = nn.Sequential(nn.Linear(sizes["input"], sizes["hidden"]), nn.ReLU(), nn.Linear(sizes["hidden"], sizes["classes"]))
        return net, F.cross_entropy
    if case["model"] == "transformer":
        net = nn.TransformerEncoderLayer(
            sizes["dModel"], sizes["heads"], sizes["ff"], dropout=0.0, batch_first=True, layer_norm_eps=sizes["eps"]
        )
        return net, F.mse_loss
    c1, c2 = sizes["c1"], sizes["c2"]
    net = nn.Sequential(
        nn.Conv2d(1, c1, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * 49, sizes["hidden"]), nn.ReLU(), nn.Linear(sizes["hidden"], sizes["classes"]),
    )
    return net, F.cross_entropy


def step(case):
    net, loss_fn = network(case)
    tensors = case["tensors"]
    net.load_state_dict({key: load(spec) for key, spec in tensors["params"].items()})
    net.train()
    x, y = load(tensors["x"]), load(tensors["y"])
    opt_spec = case["optimizer"]
    params = net.parameters()
    opt = torch.optim.Adam(params, lr=opt_spec["lr"]) if opt_spec["kind"] == "adam" else torch.optim.SGD(params, lr=opt_spec["lr"])

    def run():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return run


def dispatch(case):
    """Per-op overhead: `repeat` small adds or tiny forward+backward steps per call, a Python loop."""
    t = {k: torch.tensor(v["values"], dtype=torch.float32).reshape(v["shape"]) for k, v in case["tensors"].items()}
    expected = torch.tensor(case["expected"], dtype=torch.float32)
    repeat = case["repeat"]

    def check(what, actual):
        if not torch.allclose(actual.detach().reshape(-1), expected, rtol=1e-5, atol=1e-5):
            raise RuntimeError("%s: got %s, expected %s" % (what, actual.reshape(-1).tolist(), expected.tolist()))

    if case["op"] == "add":
        a, b = t["a"], t["b"]
        check("add", torch.add(a, b))

        def run():
            for _ in range(repeat):
                torch.add(a, b)

        return run

    x, w = t["x"], t["w"].requires_grad_()

    def once():
        """One step: forward and backward; W's gradient must be there (not read) and is dropped."""
        torch.relu(x @ w).sum().backward()
        g = w.grad
        if g is None:
            raise RuntimeError("backward left W without a gradient")
        w.grad = None
        return g

    check("dW", once())

    def run():
        for _ in range(repeat):
            once()

    return run


def time_call(fn):
    t0 = time.perf_counter()
    value = fn()
    return (time.perf_counter() - t0) * 1000, value


def measure(fn, o):
    """The same warmup / rounds / calls policy as bench/harness/measure.ts, for one library."""
    first_ms, first = time_call(fn)
    if first_ms > o["giveUpMs"]:
        return {"na": "n/a (>%d s)" % round(o["giveUpMs"] / 1000), "detail": "first call took %.1f s" % (first_ms / 1000)}
    last = first_ms
    if first_ms < o["slowCallMs"]:
        until = time.perf_counter() + o["warmupMs"] / 1000
        n = 1
        while n < 2 or time.perf_counter() < until:
            last, _ = time_call(fn)
            n += 1
    slow = last >= o["slowCallMs"]
    calls = max(1, min(o["maxCallsPerTurn"], round(o["turnMs"] / max(last, 1e-3))))
    rounds = 1 if last >= o["verySlowCallMs"] else min(o["slowRounds"], o["rounds"]) if slow else o["rounds"]
    times = [time_call(fn)[0] for _ in range(rounds * calls)]
    return {"ms": statistics.median(times), "runs": len(times), "first": first if isinstance(first, float) else None}


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    results = {}
    for case in spec["cases"]:
        try:
            make = {"matmul": matmul, "conv": conv, "step": step, "dispatch": dispatch}[case["kind"]]
            with torch.no_grad() if case["kind"] in ("matmul", "conv") else torch.enable_grad():
                results[case["id"]] = measure(make(case), spec["options"])
        except Exception as e:  # the harness shows "err" and goes on
            print("torch failed on %s: %s" % (case["id"], e), file=sys.stderr)
            results[case["id"]] = {"na": "err", "detail": str(e).split("\n")[0][:200]}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
