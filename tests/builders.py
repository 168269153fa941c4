"""Builders of small synthetic fixtures in every input format (also used by ``examples/make_corpus.py``).

All names, addresses and numbers are invented. Nothing here touches the network.
"""

from __future__ import annotations

import io
import json
from email.message import EmailMessage


def pdf_bytes(pages: list[list[str]], *, title: str = "", author: str = "") -> bytes:
    """A minimal valid PDF (Helvetica, one text line per entry) with a correct xref table."""
    objs: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({esc}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    info = f"<< /Title ({title}) /Author ({author}) /Producer (redact-tests) >>".encode("latin-1")
    objs.append(info)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        len(objs),
        xref,
    )
    return bytes(out)


def encrypted_pdf_bytes(pages: list[list[str]], password: str = "s3cret-user-pw") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx_bytes(
    *,
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    header: str = "",
    footer: str = "",
    author: str = "",
    title: str = "",
) -> bytes:
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    section = doc.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    doc.core_properties.author = author
    doc.core_properties.last_modified_by = author
    doc.core_properties.title = title
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def eml_bytes(
    *,
    sender: str,
    to: str,
    cc: str = "",
    subject: str,
    body: str,
    html: str = "",
    attachments: list[tuple[str, str, bytes]] = (),
    extra_headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = "Tue, 05 Mar 2024 10:00:00 +0000"
    msg["Message-ID"] = "<synthetic-0001@mail.example.org>"
    for k, v in (extra_headers or {}).items():
        msg[k] = v
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(msg)


def transcribe_json(turns: list[tuple[str, str, float, float]], *, style: str = "items") -> bytes:
    """AWS Transcribe output. ``style``: ``items`` (word items + speaker_labels) or ``segments``."""
    items, segments, audio_segments = [], [], []
    for n, (speaker, text, start, end) in enumerate(turns):
        words = text.split()
        step = (end - start) / max(len(words), 1)
        seg_items = []
        for i, w in enumerate(words):
            punct = w[-1] if w[-1] in ",.?!" else ""
            word = w[:-1] if punct else w
            ws, we = start + i * step, start + (i + 1) * step
            item = {
                "start_time": f"{ws:.3f}",
                "end_time": f"{we:.3f}",
                "alternatives": [{"confidence": "0.99", "content": word}],
                "type": "pronunciation",
            }
            items.append(item)
            seg_items.append({"start_time": item["start_time"], "end_time": item["end_time"], "speaker_label": speaker})
            if punct:
                items.append({"alternatives": [{"confidence": "0.0", "content": punct}], "type": "punctuation"})
        segments.append(
            {"start_time": f"{start:.3f}", "end_time": f"{end:.3f}", "speaker_label": speaker, "items": seg_items}
        )
        audio_segments.append(
            {
                "id": n,
                "transcript": text,
                "start_time": f"{start:.3f}",
                "end_time": f"{end:.3f}",
                "speaker_label": speaker,
                "items": [],
            }
        )
    results: dict = {"transcripts": [{"transcript": " ".join(t[1] for t in turns)}]}
    if style == "segments":
        results["audio_segments"] = audio_segments
    else:
        results["items"] = items
        results["speaker_labels"] = {"speakers": len({t[0] for t in turns}), "segments": segments}
    doc = {"jobName": "call-0001", "accountId": "000000000000", "status": "COMPLETED", "results": results}
    return json.dumps(doc, indent=1).encode()


def vtt_bytes(cues: list[tuple[str, str, str, str]]) -> bytes:
    """cues: (start, end, speaker, text) with ``HH:MM:SS.mmm`` times; speaker via voice tag."""
    out = ["WEBVTT", "", "NOTE synthetic fixture", ""]
    for i, (start, end, speaker, text) in enumerate(cues, start=1):
        voice = f"<v {speaker}>" if speaker else ""
        out += [f"cue-{i}", f"{start} --> {end}", f"{voice}{text}", ""]
    return "\n".join(out).encode()


def srt_bytes(cues: list[tuple[str, str, str, str]]) -> bytes:
    """cues: (start, end, speaker, text) with ``HH:MM:SS,mmm`` times; speaker as ``NAME:`` prefix."""
    out = []
    for i, (start, end, speaker, text) in enumerate(cues, start=1):
        out += [str(i), f"{start} --> {end}", f"{speaker}: {text}" if speaker else text, ""]
    return "\n".join(out).encode()
