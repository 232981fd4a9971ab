#!/usr/bin/env python3
"""Asks the installed (real) cloud-init how it reads userdata, for the simulator cross-checks.

  cloudinit_probe.py load   < JSON list of YAML texts  -> JSON list of {"ok": value} | {"error": type}
  cloudinit_probe.py merge  < userdata text            -> JSON of the merged cloud-config

`load` uses cloudinit.safeyaml.load (what cloudinit.util.load_yaml calls), or PyYAML's SafeLoader when
cloud-init is not importable. `merge` runs cloud-init's own UserDataProcessor (MIME handling) and its
cloud-config part handler (Merge-Type / merge_how mergers), with no datasource and no network.
Values JSON cannot hold are tagged: {"__date__"}, {"__datetime__"}, {"__bytes__"}, {"__float__"}, {"__set__"}.
"""
import base64
import datetime
import json
import math
import sys
import tempfile


def comparable(v):
    if isinstance(v, datetime.datetime):
        return {"__datetime__": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"__date__": v.isoformat()}
    if isinstance(v, bytes):
        return {"__bytes__": base64.b64encode(v).decode("ascii")}
    if isinstance(v, float) and not math.isfinite(v):
        return {"__float__": "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")}
    if isinstance(v, (list, tuple)):
        return [comparable(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return {"__set__": [comparable(x) for x in v]}
    if isinstance(v, dict):
        return {json_key(k): comparable(x) for k, x in v.items()}
    return v


def json_key(k):
    # json.dumps' own key rendering (True -> "true", None -> "null", 493 -> "493").
    return json.loads(json.dumps({k: 0})).popitem()[0] if not isinstance(k, (datetime.date, bytes)) else str(k)


def loader():
    try:
        from cloudinit import safeyaml

        return safeyaml.load
    except ImportError:
        import yaml

        return lambda text: yaml.load(text, Loader=yaml.SafeLoader)


def cmd_load():
    load = loader()
    out = []
    for text in json.load(sys.stdin):
        try:
            out.append({"ok": comparable(load(text))})
        except Exception as e:  # the loader's refusal is the answer
            out.append({"error": type(e).__name__})
    json.dump(out, sys.stdout)


def cmd_merge():
    from cloudinit import handlers, helpers, user_data
    from cloudinit.handlers.cloud_config import CloudConfigPartHandler

    with tempfile.TemporaryDirectory() as tmp:
        paths = helpers.Paths({"cloud_dir": tmp, "run_dir": tmp})
        msg = user_data.UserDataProcessor(paths).process(sys.stdin.read())
        handler = CloudConfigPartHandler(paths)
        handler.cloud_fn = None  # nothing to write: we read the merged buffer itself
        handler.handle_part(None, handlers.CONTENT_START, None, None, None, None)

        def callback(_data, filename, payload, headers):
            ctype = headers["Content-Type"]
            if ctype in handler.list_types():
                handler.handle_part(None, ctype, filename, payload, None, headers)

        handlers.walk(msg, callback, None)
        json.dump(comparable(handler.cloud_buf), sys.stdout)


if __name__ == "__main__":
    {"load": cmd_load, "merge": cmd_merge}[sys.argv[1]]()
