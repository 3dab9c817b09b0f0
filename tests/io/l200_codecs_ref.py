#!/usr/bin/python3
"""Independent reference decoder for LEGEND-200 encoded waveforms, compared with wavelearn's.

Decodes every waveform of every channel and stream of an LH5 raw file in pure Python (numpy
and h5py only; no lgdo), written from the documented algorithms of lgdo's codecs:

* radware_sigcompress: big-endian 16-bit words; word 0 = number of samples; blocks of
  (nw, nb, ...): nb < 32 -> min, then nw values of nb bits (sample = bits + min);
  nb >= 32 -> first sample, min, then nw-1 differences of nb-32 bits (16-bit wrap-around);
  bits packed MSB first; a block starts on a fresh word; codec_shift is subtracted.
* uleb128_zigzag_diff: unsigned LEB128 varints of zigzag-mapped differences (first to 0).

Datasets compressed with the HDF5 Zstandard filter (id 32015) are read as raw chunks and
inflated through ctypes + libzstd.so.1, then un-shuffled, since h5py here has no plugin.

Usage: l200_codecs_ref.py IO_TOOL FILE.lh5   (exit 0 when every sample agrees)
       l200_codecs_ref.py IO_TOOL --fixture KIND   (a file `io_tool fixture KIND` writes)
"""
import ctypes
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ZSTD_ID, SHUFFLE_ID = 32015, 2
_zstd = ctypes.CDLL("libzstd.so.1")
_zstd.ZSTD_getFrameContentSize.restype = ctypes.c_ulonglong
_zstd.ZSTD_getFrameContentSize.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
_zstd.ZSTD_decompress.restype = ctypes.c_size_t
_zstd.ZSTD_decompress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]


def zstd_inflate(raw):
    size = _zstd.ZSTD_getFrameContentSize(raw, len(raw))
    out = ctypes.create_string_buffer(size)
    got = _zstd.ZSTD_decompress(out, size, raw, len(raw))
    assert got == size, "zstd frame did not inflate"
    return out.raw[:size]


def read_dataset(ds):
    """A 1-D or scalar dataset, inflating zstd + shuffle chunks by hand when present."""
    plist = ds.id.get_create_plist()
    filters = [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]
    if ZSTD_ID not in filters:
        return ds[()]
    assert ds.ndim == 1, ds.name
    out = np.empty(ds.shape, dtype=ds.dtype)
    chunk_rows = ds.chunks[0]
    for start in range(0, ds.shape[0], chunk_rows):
        _, raw = ds.id.read_direct_chunk((start,))
        data = zstd_inflate(raw)
        item = ds.dtype.itemsize
        if SHUFFLE_ID in filters and item > 1:  # byte planes back to interleaved items
            planes = np.frombuffer(data, dtype=np.uint8).reshape(item, -1)
            data = planes.T.copy().tobytes()
        rows = np.frombuffer(data, dtype=ds.dtype)
        n = min(chunk_rows, ds.shape[0] - start)
        out[start:start + n] = rows[:n]
    return out


MASK = [(1 << b) - 1 for b in range(17)]


def radware_decode(buf, shift):
    words = [(buf[2 * i] << 8) | buf[2 * i + 1] for i in range(len(buf) // 2)]
    word = lambda i: words[i] if i < len(words) else 0  # look-ahead past the end reads 0
    to16 = lambda x: ((x & 0xFFFF) ^ 0x8000) - 0x8000
    length = words[0]
    out = []
    pos = 16  # bit position in the stream, after the length word
    while len(out) < length:
        pos = (pos + 15) // 16 * 16  # a block starts on a fresh word
        nw, nb = word(pos // 16), word(pos // 16 + 1)
        pos += 32

        def take(nbits):
            nonlocal pos
            w = pos // 16
            value = ((word(w) << 16) | word(w + 1)) >> (32 - (pos % 16) - nbits)
            pos += nbits
            return value & MASK[nbits]

        if nb < 32:
            lo = to16(take(16))
            out.extend(take(nb) + lo for _ in range(nw))
        else:
            nb -= 32
            prev = to16(take(16))
            lo = to16(take(16))
            out.append(prev)
            for _ in range(nw - 1):
                prev = to16(prev + take(nb) + lo)
                out.append(prev)
    return np.array(out[:length], dtype=np.int64) - shift


def uleb128_zigzag_diff_decode(buf):
    out, last, value, bit = [], 0, 0, 0
    for b in buf:
        value |= (b & 0x7F) << bit
        bit += 7
        if b & 0x80:
            continue
        last += (value >> 1) ^ -(value & 1)
        out.append(last)
        value, bit = 0, 0
    return np.array(out, dtype=np.int64)


def decode_stream(values):
    codec = values.attrs["codec"]
    codec = codec.decode() if isinstance(codec, bytes) else str(codec)
    shift = int(values.attrs.get("codec_shift", 0))
    size = int(values["decoded_size"][()])
    ends = read_dataset(values["encoded_data/cumulative_length"]).astype(np.int64)
    flat = read_dataset(values["encoded_data/flattened_data"])
    rows, begin = [], 0
    for end in ends:
        buf = flat[begin:end].tolist()
        wf = radware_decode(buf, shift) if codec == "radware_sigcompress" else uleb128_zigzag_diff_decode(buf)
        assert len(wf) == size, (values.name, len(wf), size)
        rows.append(wf)
        begin = end
    return codec, np.array(rows).reshape(len(ends), size)


def main():
    io_tool = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = sys.argv[2]
        if path == "--fixture":
            path = os.path.join(tmp, "fixture.lh5")
            subprocess.run([io_tool, "fixture", sys.argv[3], path], check=True)
        compare(io_tool, path, tmp)


def compare(io_tool, path, tmp):
    n_events = n_samples = 0
    max_diff = 0.0
    with h5py.File(path, "r") as f:
        for channel in sorted(k for k in f if isinstance(f[k], h5py.Group) and "raw" in f[k]):
            for stream in ("waveform_windowed", "waveform_presummed"):
                values = f[channel]["raw"][stream]["values"]
                codec, ref = decode_stream(values)
                dt = read_dataset(f[channel]["raw"][stream]["dt"])
                out = os.path.join(tmp, "ours.f32")
                subprocess.run([io_tool, "dump-stream", path, channel, stream, out], check=True)
                ours = np.fromfile(out, dtype=np.float32)
                assert ours.size == ref.size, f"{channel}/{stream}: {ours.size} samples, reference {ref.size}"
                diff = float(np.max(np.abs(ours.astype(np.float64) - ref.ravel()))) if ref.size else 0.0
                max_diff = max(max_diff, diff)
                print(f"{channel} {stream}: {codec}, {ref.shape[0]} events x {ref.shape[1]} samples, "
                      f"dt {dt[0]:g} ns, range [{ref.min()}, {ref.max()}], max |ours - reference| = {diff:g}")
                n_events += ref.shape[0]
                n_samples += ref.size
    print(f"compared {n_events} waveforms, {n_samples} samples: max difference {max_diff:g}")
    if max_diff != 0.0 or n_samples == 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
