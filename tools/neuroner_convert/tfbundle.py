"""Read a TensorFlow 1 checkpoint (tensor bundle) without TensorFlow.

A bundle is two files: `<prefix>.index`, a LevelDB-format table (SSTable)
mapping each variable name to a BundleEntryProto (dtype, shape, shard,
offset, size, crc32c), and `<prefix>.data-00000-of-00001`, the raw
little-endian tensor bytes. Only what NeuroNER's checkpoints use is
supported: one shard, uncompressed blocks, DT_FLOAT, DT_INT32 and DT_INT64,
no slices. Anything else is an error rather than a silent misread.

Shared by convert.py and reference.py (so that the reference forward pass
reads the checkpoint itself, not our converted files).
"""

import struct

import numpy as np

TABLE_MAGIC = 0xDB4775248B80FB57
# tensorflow/core/framework/types.proto
DTYPES = {1: np.dtype("<f4"), 3: np.dtype("<i4"), 9: np.dtype("<i8")}


class BundleError(Exception):
    pass


def _varint(buf, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise BundleError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def _crc32c_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    # LevelDB/TF store "masked" CRCs (rotate + constant) so that a CRC of
    # data that itself contains CRCs is not trivially related to them.
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def _read_block(table, offset, size):
    if offset + size + 5 > len(table):
        raise BundleError("block handle points past the end of the index")
    block = table[offset : offset + size]
    compression = table[offset + size]
    if compression != 0:
        raise BundleError(f"compressed index block (type {compression}) is not supported")
    (stored_crc,) = struct.unpack("<I", table[offset + size + 1 : offset + size + 5])
    if masked_crc32c(table[offset : offset + size + 1]) != stored_crc:
        raise BundleError("index block checksum mismatch")
    (num_restarts,) = struct.unpack("<I", block[-4:])
    end = len(block) - 4 - 4 * num_restarts
    pos = 0
    key = b""
    entries = []
    while pos < end:
        shared, pos = _varint(block, pos)
        non_shared, pos = _varint(block, pos)
        value_len, pos = _varint(block, pos)
        key = key[:shared] + block[pos : pos + non_shared]
        pos += non_shared
        entries.append((key, block[pos : pos + value_len]))
        pos += value_len
    return entries


def _parse_fields(buf):
    """Minimal protobuf wire-format reader: {field: [values]}."""
    fields = {}
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value = buf[pos : pos + length]
            pos += length
        elif wire == 5:
            (value,) = struct.unpack("<I", buf[pos : pos + 4])
            pos += 4
        elif wire == 1:
            (value,) = struct.unpack("<Q", buf[pos : pos + 8])
            pos += 8
        else:
            raise BundleError(f"unsupported protobuf wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def _entry(value):
    # BundleEntryProto: 1 dtype, 2 shape, 3 shard_id, 4 offset, 5 size,
    # 6 crc32c (fixed32), 7 slices.
    f = _parse_fields(value)
    if 7 in f:
        raise BundleError("sliced tensors are not supported")
    shape = []
    if 2 in f:
        # TensorShapeProto: 2 dim (Dim: 1 size, 2 name), 3 unknown_rank.
        for dim in _parse_fields(f[2][0]).get(2, []):
            shape.append(_parse_fields(dim).get(1, [0])[0])
    return {
        "dtype": f.get(1, [0])[0],
        "shape": shape,
        "shard_id": f.get(3, [0])[0],
        "offset": f.get(4, [0])[0],
        "size": f.get(5, [0])[0],
        "crc32c": f.get(6, [None])[0],
    }


def read_bundle(index_bytes, data_bytes):
    """Returns {name: numpy array} for every tensor of the bundle."""
    if len(index_bytes) < 48:
        raise BundleError("index file too short")
    footer = index_bytes[-48:]
    (magic,) = struct.unpack("<Q", footer[-8:])
    if magic != TABLE_MAGIC:
        raise BundleError("index file is not an SSTable (bad magic)")
    pos = 0
    _meta_off, pos = _varint(footer, pos)
    _meta_size, pos = _varint(footer, pos)
    index_off, pos = _varint(footer, pos)
    index_size, pos = _varint(footer, pos)

    tensors = {}
    header_seen = False
    for _last_key, handle in _read_block(index_bytes, index_off, index_size):
        off, hp = _varint(handle, 0)
        size, hp = _varint(handle, hp)
        for key, value in _read_block(index_bytes, off, size):
            if key == b"":
                # BundleHeaderProto: 1 num_shards, 2 endianness (0 = little).
                header = _parse_fields(value)
                if header.get(1, [1])[0] != 1:
                    raise BundleError("multi-shard bundles are not supported")
                if header.get(2, [0])[0] != 0:
                    raise BundleError("big-endian bundles are not supported")
                header_seen = True
                continue
            name = key.decode("utf-8")
            e = _entry(value)
            if e["shard_id"] != 0:
                raise BundleError(f"{name}: shard {e['shard_id']} not supported")
            if e["dtype"] not in DTYPES:
                raise BundleError(f"{name}: dtype {e['dtype']} not supported")
            raw = data_bytes[e["offset"] : e["offset"] + e["size"]]
            if len(raw) != e["size"]:
                raise BundleError(f"{name}: data file too short")
            if e["crc32c"] is not None and masked_crc32c(raw) != e["crc32c"]:
                raise BundleError(f"{name}: crc32c mismatch")
            dtype = DTYPES[e["dtype"]]
            count = int(np.prod(e["shape"], dtype=np.int64)) if e["shape"] else 1
            if count * dtype.itemsize != e["size"]:
                raise BundleError(f"{name}: size does not match shape {e['shape']}")
            tensors[name] = np.frombuffer(raw, dtype=dtype).reshape(e["shape"]).copy()
    if not header_seen:
        raise BundleError("bundle header entry (key '') missing")
    return tensors
