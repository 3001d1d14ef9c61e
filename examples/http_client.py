#!/usr/bin/env python3
"""Calls the HTTP door with plain `requests`: Open Inference JSON (image as base64), the binary
tensor data extension (image and composite as raw bytes), and /v1/getMask.

    python3 examples/http_client.py http://127.0.0.1:8080 photo.jpg composite.jpg
"""
import base64
import json
import struct
import sys

import requests

url, photo, composite_path = sys.argv[1:4]
jpeg = open(photo, "rb").read()
infer = f"{url}/v2/models/maskrcnn/infer"

# 1. JSON: the image as base64 text, the detections as JSON arrays.
reply = requests.post(infer, json={
    "inputs": [{"name": "image", "datatype": "BYTES", "shape": [1],
                "data": [base64.b64encode(jpeg).decode()]}],
    "parameters": {"score_threshold": 0.5, "masks": False},
}, timeout=60)
reply.raise_for_status()
outputs = {o["name"]: o for o in reply.json()["outputs"]}
labels = outputs["labels"]["data"]
scores = outputs["scores"]["data"]

# 2. Binary: a JSON header, then the image as a BYTES element (4-byte little-endian length, bytes);
#    the composite comes back the same way after the reply's JSON header.
element = struct.pack("<I", len(jpeg)) + jpeg
header = json.dumps({
    "inputs": [{"name": "image", "datatype": "BYTES", "shape": [1],
                "parameters": {"binary_data_size": len(element)}}],
    "outputs": [{"name": "composite", "parameters": {"binary_data": True}}],
}).encode()
reply = requests.post(infer, data=header + element, timeout=60, headers={
    "Content-Type": "application/octet-stream",
    "Inference-Header-Content-Length": str(len(header))})
reply.raise_for_status()
json_length = int(reply.headers["Inference-Header-Content-Length"])
tensor = reply.content[json_length:]
(length,) = struct.unpack_from("<I", tensor)
open(composite_path, "wb").write(tensor[4:4 + length])

# 3. Plain: the image as the body, the composite as the answer.
reply = requests.post(f"{url}/v1/getMask", data=jpeg, timeout=60,
                      headers={"Content-Type": "image/jpeg"}, params={"scoreThreshold": 0.5})
reply.raise_for_status()

print(json.dumps({"labels": labels, "scores": scores, "composite_bytes": length,
                  "getmask_type": reply.headers["Content-Type"], "getmask_bytes": len(reply.content)}))
