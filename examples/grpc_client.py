"""Calls the server's gRPC door (the Open Inference Protocol) with stubs generated from the
repository's .proto, and prints what it found as JSON.

    /usr/bin/python3 -m grpc_tools.protoc -Iserver/proto --python_out=stubs \
        --grpc_python_out=stubs grpc_service.proto
    PYTHONPATH=stubs /usr/bin/python3 examples/grpc_client.py photo.jpg --composite out.jpg
"""
import argparse
import json
import struct

import grpc
import grpc_service_pb2 as pb
import grpc_service_pb2_grpc as pb_grpc


def bytes_elements(raw):
    """A BYTES tensor's elements: each a 4-byte little-endian length, then its bytes."""
    elements, offset = [], 0
    while offset < len(raw):
        (length,) = struct.unpack_from("<I", raw, offset)
        elements.append(raw[offset + 4 : offset + 4 + length])
        offset += 4 + length
    return elements


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("image")
    parser.add_argument("--address", default="127.0.0.1:8001")
    parser.add_argument("--composite", help="also save the drawn image here")
    args = parser.parse_args()

    with grpc.insecure_channel(args.address) as channel:
        stub = pb_grpc.GRPCInferenceServiceStub(channel)
        ready = stub.ServerReady(pb.ServerReadyRequest()).ready
        model = stub.ModelMetadata(pb.ModelMetadataRequest(name="maskrcnn"))

        request = pb.ModelInferRequest(model_name="maskrcnn", id="example-1")
        request.inputs.add(name="image", datatype="BYTES", shape=[1])
        with open(args.image, "rb") as image:
            request.raw_input_contents.append(image.read())
        request.parameters["score_threshold"].double_param = 0.5
        wanted = ["boxes", "scores", "labels"] + (["composite"] if args.composite else [])
        for name in wanted:
            request.outputs.add(name=name)
        response = stub.ModelInfer(request, timeout=30)

    raw = {out.name: data for out, data in zip(response.outputs, response.raw_output_contents)}
    n = len(raw["scores"]) // 4
    boxes = struct.unpack(f"<{4 * n}f", raw["boxes"])
    detections = [
        {"label": label.decode(), "score": score, "box": list(boxes[4 * i : 4 * i + 4])}
        for i, (label, score) in enumerate(
            zip(bytes_elements(raw["labels"]), struct.unpack(f"<{n}f", raw["scores"]))
        )
    ]
    if args.composite:
        with open(args.composite, "wb") as out:
            out.write(bytes_elements(raw["composite"])[0])
    print(json.dumps({
        "ready": ready,
        "inputs": [{"name": t.name, "datatype": t.datatype, "shape": list(t.shape)} for t in model.inputs],
        "outputs": [t.name for t in model.outputs],
        "id": response.id,
        "detections": detections,
    }))


if __name__ == "__main__":
    main()
