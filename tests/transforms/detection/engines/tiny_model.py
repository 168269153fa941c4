"""A tiny, deterministic token-classification model the tests build themselves (no download).

The ONNX graph is ``logits = Gather(E, input_ids)``: each vocabulary token has a fixed row of label
logits, so predictions are known in advance (``alice`` -> B-PER, ``##son`` -> I-PER, ``paris`` ->
B-LOC, ...) and assertions are meaningful. The tokenizer is a real ``tokenizers`` WordPiece with BERT
normalization (lowercase, accents stripped), BERT pre-tokenization and ``[CLS] $A [SEP]`` around it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
# token -> (label, logit margin): the label gets ``margin``, every other label 0.
STRONG = 8.0
TOKENS: dict[str, tuple[str, float]] = {
    "[PAD]": ("O", STRONG),
    "[UNK]": ("O", STRONG),
    "[CLS]": ("O", STRONG),
    "[SEP]": ("O", STRONG),
    "alice": ("B-PER", STRONG),
    "bob": ("B-PER", STRONG),
    "##son": ("I-PER", STRONG),
    "smith": ("I-PER", STRONG),
    "jose": ("B-PER", STRONG),
    "zoe": ("B-PER", STRONG),
    "paris": ("B-LOC", STRONG),
    "oslo": ("B-LOC", STRONG),
    "weak": ("B-PER", 0.5),  # a low-confidence person: dropped by a threshold
    "##ly": ("I-LOC", STRONG),  # "weakly": first subword says PER (weak), second says LOC (strong)
    "acme": ("B-MISC", STRONG),
    "met": ("O", STRONG),
    "in": ("O", STRONG),
    "and": ("O", STRONG),
    "the": ("O", STRONG),
    "lived": ("O", STRONG),
    ".": ("O", STRONG),
    ",": ("O", STRONG),
}


def logits_table() -> np.ndarray:
    table = np.zeros((len(TOKENS), len(LABELS)), dtype=np.float32)
    for row, (label, margin) in enumerate(TOKENS.values()):
        table[row, LABELS.index(label)] = margin
    return table


def build_tokenizer(path: Path, padded: bool = False) -> None:
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece

    vocab = {tok: i for i, tok in enumerate(TOKENS)}
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True, clean_text=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    if padded:  # exports often ship with padding/truncation switched on: the engine must undo both
        tok.enable_padding(pad_id=vocab["[PAD]"], pad_token="[PAD]", length=32)
        tok.enable_truncation(max_length=32)
    tok.save(str(path))


def build_onnx(path: Path, with_token_type_ids: bool = True, table: np.ndarray | None = None) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
    ]
    if with_token_type_ids:
        inputs.append(helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "seq"]))
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "seq", len(LABELS)])
    weights = numpy_helper.from_array(logits_table() if table is None else table, name="table")
    node = helper.make_node("Gather", ["table", "input_ids"], ["logits"], axis=0)
    graph = helper.make_graph([node], "tiny_token_classifier", inputs, [out], initializer=[weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def build_model_dir(folder: Path) -> Path:
    """Write ``model.onnx``, ``tokenizer.json`` and ``config.json`` into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    build_onnx(folder / "model.onnx")
    build_tokenizer(folder / "tokenizer.json")
    config = {"model_type": "tiny", "id2label": {str(i): lab for i, lab in enumerate(LABELS)}}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def build_bpe_model_dir(folder: Path, trim_offsets: bool = True) -> Path:
    """A RoBERTa-style variant: byte-level BPE trained on a few sentences, ``<s> $A </s>`` with trimmed
    offsets, no ``token_type_ids`` input. Tokens spelling a known name (with or without the leading-space
    marker) get B-PER, known places B-LOC; everything else O."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<s>", "</s>", "<pad>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(["Alice met Bob in Oslo, then Bob left Oslo with Alice."] * 20, trainer)
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.RobertaProcessing(("</s>", eos), ("<s>", bos), trim_offsets=trim_offsets)
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    table = np.zeros((tok.get_vocab_size(), len(LABELS)), dtype=np.float32)
    for token, i in tok.get_vocab().items():
        word = token.removeprefix("\u0120")
        label = {"Alice": "B-PER", "Bob": "B-PER", "Oslo": "B-LOC"}.get(word, "O")
        table[i, LABELS.index(label)] = STRONG
    build_onnx(folder / "model.onnx", with_token_type_ids=False, table=table)
    config = {"model_type": "tiny-roberta", "id2label": {str(i): lab for i, lab in enumerate(LABELS)}}
    (folder / "config.json").write_text(json.dumps(config))
    return folder
