#!/usr/bin/python3
"""cri-client.py SOCKET METHOD [REQUEST-JSON]: one call of the Kubernetes CRI (runtime.v1)
over the unix socket SOCKET; the response as JSON on stdout. A test tool for
tests/clients/cri.sh, where Debian has no crictl.

METHOD is a RuntimeService or ImageService method (RunPodSandbox, CreateContainer,
ImageStatus, ...); REQUEST-JSON the request with the proto's field names (default {}).
Enums are numbers. A gRPC error is printed as {"error": CODE, "details": "..."} with exit
status 2 (CODE e.g. NOT_FOUND).

The messages are written by hand below from the field numbers of the CRI API's
pkg/apis/runtime/v1/api.proto (k8s.io/cri-api), with only the fields the test uses, and a
small protobuf wire-format codec: python3-grpcio is the only dependency, no generated code.
"""
import json
import struct
import sys

import grpc

# --- the messages: name -> {field: (number, type, repeated)} ------------------------------
# type: "string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "enum",
# "map" (map<string, string>), or the name of a message.

S, R = False, True
MESSAGES = {
    "VersionRequest": {"version": (1, "string", S)},
    "VersionResponse": {
        "version": (1, "string", S),
        "runtime_name": (2, "string", S),
        "runtime_version": (3, "string", S),
        "runtime_api_version": (4, "string", S),
    },
    "PodSandboxMetadata": {
        "name": (1, "string", S),
        "uid": (2, "string", S),
        "namespace": (3, "string", S),
        "attempt": (4, "uint32", S),
    },
    "NamespaceOption": {
        "network": (1, "enum", S),  # NamespaceMode: POD 0, CONTAINER 1, NODE 2, TARGET 3
        "pid": (2, "enum", S),
        "ipc": (3, "enum", S),
        "target_id": (4, "string", S),
    },
    "Int64Value": {"value": (1, "int64", S)},
    "SecurityProfile": {
        "profile_type": (1, "enum", S),  # RuntimeDefault 0, Unconfined 1, Localhost 2
        "localhost_ref": (2, "string", S),
    },
    "LinuxSandboxSecurityContext": {
        "namespace_options": (1, "NamespaceOption", S),
        "run_as_user": (3, "Int64Value", S),
        "readonly_rootfs": (4, "bool", S),
        "privileged": (6, "bool", S),
        "run_as_group": (8, "Int64Value", S),
        "seccomp": (9, "SecurityProfile", S),
    },
    "LinuxContainerResources": {
        "cpu_period": (1, "int64", S),
        "cpu_quota": (2, "int64", S),
        "cpu_shares": (3, "int64", S),
        "memory_limit_in_bytes": (4, "int64", S),
        "oom_score_adj": (5, "int64", S),
        "cpuset_cpus": (6, "string", S),
        "cpuset_mems": (7, "string", S),
        "unified": (9, "map", S),
        "memory_swap_limit_in_bytes": (10, "int64", S),
    },
    "LinuxPodSandboxConfig": {
        "cgroup_parent": (1, "string", S),
        "security_context": (2, "LinuxSandboxSecurityContext", S),
        "sysctls": (3, "map", S),
    },
    "PodSandboxConfig": {
        "metadata": (1, "PodSandboxMetadata", S),
        "hostname": (2, "string", S),
        "log_directory": (3, "string", S),
        "labels": (6, "map", S),
        "annotations": (7, "map", S),
        "linux": (8, "LinuxPodSandboxConfig", S),
    },
    "RunPodSandboxRequest": {
        "config": (1, "PodSandboxConfig", S),
        "runtime_handler": (2, "string", S),
    },
    "RunPodSandboxResponse": {"pod_sandbox_id": (1, "string", S)},
    "StopPodSandboxRequest": {"pod_sandbox_id": (1, "string", S)},
    "StopPodSandboxResponse": {},
    "RemovePodSandboxRequest": {"pod_sandbox_id": (1, "string", S)},
    "RemovePodSandboxResponse": {},
    "PodSandboxStatusRequest": {
        "pod_sandbox_id": (1, "string", S),
        "verbose": (2, "bool", S),
    },
    "PodSandboxStatus": {
        "id": (1, "string", S),
        "metadata": (2, "PodSandboxMetadata", S),
        "state": (3, "enum", S),  # SANDBOX_READY 0, SANDBOX_NOTREADY 1
        "created_at": (4, "int64", S),
        "labels": (7, "map", S),
        "annotations": (8, "map", S),
        "runtime_handler": (9, "string", S),
    },
    "PodSandboxStatusResponse": {
        "status": (1, "PodSandboxStatus", S),
        "info": (2, "map", S),
    },
    "ImageSpec": {"image": (1, "string", S), "annotations": (2, "map", S)},
    "KeyValue": {"key": (1, "string", S), "value": (2, "string", S)},
    "Capability": {
        "add_capabilities": (1, "string", R),
        "drop_capabilities": (2, "string", R),
    },
    "LinuxContainerSecurityContext": {
        "capabilities": (1, "Capability", S),
        "privileged": (2, "bool", S),
        "namespace_options": (3, "NamespaceOption", S),
        "run_as_user": (5, "Int64Value", S),
        "readonly_rootfs": (7, "bool", S),
        "no_new_privs": (11, "bool", S),
        "seccomp": (15, "SecurityProfile", S),
    },
    "LinuxContainerConfig": {
        "resources": (1, "LinuxContainerResources", S),
        "security_context": (2, "LinuxContainerSecurityContext", S),
    },
    "ContainerMetadata": {"name": (1, "string", S), "attempt": (2, "uint32", S)},
    "ContainerConfig": {
        "metadata": (1, "ContainerMetadata", S),
        "image": (2, "ImageSpec", S),
        "command": (3, "string", R),
        "args": (4, "string", R),
        "working_dir": (5, "string", S),
        "envs": (6, "KeyValue", R),
        "labels": (9, "map", S),
        "annotations": (10, "map", S),
        "log_path": (11, "string", S),
        "stdin": (12, "bool", S),
        "stdin_once": (13, "bool", S),
        "tty": (14, "bool", S),
        "linux": (15, "LinuxContainerConfig", S),
    },
    "CreateContainerRequest": {
        "pod_sandbox_id": (1, "string", S),
        "config": (2, "ContainerConfig", S),
        "sandbox_config": (3, "PodSandboxConfig", S),
    },
    "CreateContainerResponse": {"container_id": (1, "string", S)},
    "StartContainerRequest": {"container_id": (1, "string", S)},
    "StartContainerResponse": {},
    "StopContainerRequest": {"container_id": (1, "string", S), "timeout": (2, "int64", S)},
    "StopContainerResponse": {},
    "RemoveContainerRequest": {"container_id": (1, "string", S)},
    "RemoveContainerResponse": {},
    "ContainerStatusRequest": {"container_id": (1, "string", S), "verbose": (2, "bool", S)},
    "ContainerResources": {"linux": (1, "LinuxContainerResources", S)},
    "ContainerStatus": {
        "id": (1, "string", S),
        "metadata": (2, "ContainerMetadata", S),
        # CONTAINER_CREATED 0, CONTAINER_RUNNING 1, CONTAINER_EXITED 2, CONTAINER_UNKNOWN 3
        "state": (3, "enum", S),
        "created_at": (4, "int64", S),
        "started_at": (5, "int64", S),
        "finished_at": (6, "int64", S),
        "exit_code": (7, "int32", S),
        "image": (8, "ImageSpec", S),
        "image_ref": (9, "string", S),
        "reason": (10, "string", S),
        "message": (11, "string", S),
        "labels": (12, "map", S),
        "annotations": (13, "map", S),
        "log_path": (15, "string", S),
        "resources": (16, "ContainerResources", S),
    },
    "ContainerStatusResponse": {
        "status": (1, "ContainerStatus", S),
        "info": (2, "map", S),
    },
    "UpdateContainerResourcesRequest": {
        "container_id": (1, "string", S),
        "linux": (2, "LinuxContainerResources", S),
        "annotations": (4, "map", S),
    },
    "UpdateContainerResourcesResponse": {},
    "ExecSyncRequest": {
        "container_id": (1, "string", S),
        "cmd": (2, "string", R),
        "timeout": (3, "int64", S),
    },
    "ExecSyncResponse": {
        "stdout": (1, "bytes", S),
        "stderr": (2, "bytes", S),
        "exit_code": (3, "int32", S),
    },
    "Image": {
        "id": (1, "string", S),
        "repo_tags": (2, "string", R),
        "repo_digests": (3, "string", R),
        "size": (4, "uint64", S),
    },
    "ImageStatusRequest": {"image": (1, "ImageSpec", S), "verbose": (2, "bool", S)},
    "ImageStatusResponse": {"image": (1, "Image", S), "info": (2, "map", S)},
}

# method -> (service, request message, response message)
METHODS = {
    name: ("runtime.v1.RuntimeService", name + "Request", name + "Response")
    for name in [
        "Version",
        "RunPodSandbox",
        "StopPodSandbox",
        "RemovePodSandbox",
        "PodSandboxStatus",
        "CreateContainer",
        "StartContainer",
        "StopContainer",
        "RemoveContainer",
        "ContainerStatus",
        "UpdateContainerResources",
        "ExecSync",
    ]
}
METHODS["ImageStatus"] = ("runtime.v1.ImageService", "ImageStatusRequest", "ImageStatusResponse")

VARINT, I64, LEN, I32 = 0, 1, 2, 5
INTEGERS = ("int32", "int64", "uint32", "uint64", "enum")

# --- encoding ------------------------------------------------------------------------------


def varint(n):
    n &= (1 << 64) - 1  # negative int32/int64: ten bytes of two's complement
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(number, wire):
    return varint(number << 3 | wire)


def length_delimited(number, data):
    return key(number, LEN) + varint(len(data)) + data


def encode_value(number, kind, value):
    if kind == "string":
        return length_delimited(number, value.encode())
    if kind == "bytes":
        return length_delimited(number, value.encode("latin-1"))
    if kind == "bool":
        return key(number, VARINT) + varint(1 if value else 0)
    if kind in INTEGERS:
        return key(number, VARINT) + varint(int(value))
    if kind == "map":
        return b"".join(
            length_delimited(number, encode_value(1, "string", k) + encode_value(2, "string", v))
            for k, v in value.items()
        )
    return length_delimited(number, encode(kind, value))


def encode(message, obj):
    schema = MESSAGES[message]
    out = bytearray()
    for name, value in obj.items():
        if name not in schema:
            raise SystemExit(f"cri-client: {message} has no field {name!r} here")
        number, kind, repeated = schema[name]
        for v in value if repeated else [value]:
            out += encode_value(number, kind, v)
    return bytes(out)


# --- decoding ------------------------------------------------------------------------------


def read_varint(data, i):
    shift = result = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, i


def fields(data):
    """(number, wire type, value) of each field: an int, or bytes for LEN."""
    i = 0
    while i < len(data):
        k, i = read_varint(data, i)
        number, wire = k >> 3, k & 7
        if wire == VARINT:
            value, i = read_varint(data, i)
        elif wire == LEN:
            n, i = read_varint(data, i)
            value, i = data[i : i + n], i + n
        elif wire == I64:
            value, i = struct.unpack_from("<Q", data, i)[0], i + 8
        elif wire == I32:
            value, i = struct.unpack_from("<I", data, i)[0], i + 4
        else:
            raise ValueError(f"wire type {wire} of field {number}")
        yield number, wire, value


def decode_value(kind, value):
    if kind == "string":
        return value.decode()
    if kind == "bytes":
        return value.decode("utf-8", "replace")
    if kind == "bool":
        return bool(value)
    if kind in ("int32", "int64"):  # two's complement back to negative
        return value - (1 << 64) if value >= 1 << 63 else value
    if kind in ("uint32", "uint64", "enum"):
        return value
    return decode(kind, value)


def decode(message, data):
    by_number = {num: (name, kind, rep) for name, (num, kind, rep) in MESSAGES[message].items()}
    obj = {}
    for number, _, value in fields(data):
        if number not in by_number:
            continue  # a field the test does not use
        name, kind, repeated = by_number[number]
        if kind == "map":
            entry = {n: v.decode() for n, _, v in fields(value)}
            obj.setdefault(name, {})[entry.get(1, "")] = entry.get(2, "")
        elif repeated:
            obj.setdefault(name, []).append(decode_value(kind, value))
        else:
            obj[name] = decode_value(kind, value)
    return obj


# --- the call ------------------------------------------------------------------------------


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[2] not in METHODS:
        raise SystemExit(
            "usage: cri-client.py SOCKET METHOD [REQUEST-JSON]\nmethods: " + " ".join(METHODS)
        )
    socket, method = sys.argv[1], sys.argv[2]
    request = json.loads(sys.argv[3]) if len(sys.argv) == 4 else {}
    service, req_type, resp_type = METHODS[method]
    with grpc.insecure_channel("unix://" + socket) as channel:
        call = channel.unary_unary(
            f"/{service}/{method}",
            request_serializer=lambda obj: encode(req_type, obj),
            response_deserializer=lambda data: decode(resp_type, data),
        )
        try:
            response = call(request, timeout=50)
        except grpc.RpcError as e:
            print(json.dumps({"error": e.code().name, "details": e.details()}))
            sys.exit(2)
    print(json.dumps(response))


main()
