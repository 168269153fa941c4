"""Regenerate the binary and transcript fixtures of ``examples/corpus/`` (all content synthetic).

    PYTHONPATH=. python examples/make_corpus.py

The generated files are committed too (each well under 50 KB) so the demo works offline. Text fixtures
(.txt, .md, .html, .jsonl) are written by hand and not touched here.
"""

from __future__ import annotations

from pathlib import Path

from tests.builders import docx_bytes, eml_bytes, pdf_bytes, srt_bytes, transcribe_json, vtt_bytes

CORPUS = Path(__file__).resolve().parent / "corpus"


def build() -> dict[str, bytes]:
    pdf = pdf_bytes(
        [
            ["Incident report 2024-117", "Reporter: Priya Raman, priya.raman@example.net", "Phone: +1 212-555-0187"],
            ["Page 2: the laptop of Tomasz Nowak was recovered at the Lisbon office."],
        ],
        title="Incident report",
        author="Priya Raman",
    )
    return {
        "incident-report.pdf": pdf,
        "broken-scan.pdf": pdf[: len(pdf) // 2],  # truncated on purpose: goes to quarantine
        "onboarding.docx": docx_bytes(
            paragraphs=["Welcome pack for the new hire, Lucia Fernandez.", "Her manager is Oliver Brandt."],
            table=[["Name", "Email", "Phone"], ["Lucia Fernandez", "lucia.fernandez@example.com", "+44 20 7946 0321"]],
            header="HR confidential - prepared for Lucia Fernandez",
            footer="Questions: hr-desk@example.com",
            author="Oliver Brandt",
            title="Onboarding",
        ),
        "refund-thread.eml": eml_bytes(
            sender="Daniel Okafor <daniel.okafor@example.org>",
            to="Support Team <support@example.com>",
            cc="Mei Tanaka <mei.tanaka@example.com>",
            subject="Refund for Daniel Okafor, order 55821",
            body="Hello,\n\nI was charged twice. My card ends in 4242 and my phone is +1 646-555-0199.\n\nDaniel",
            attachments=[("statement.txt", "text/plain", b"Statement holder: Daniel Okafor, 17 Harbor Road, Bristol")],
        ),
        "support-call.json": transcribe_json(
            [
                ("spk_0", "Thank you for calling, this is Nadia Petrova speaking.", 0.0, 3.1),
                ("spk_1", "Hi Nadia, my name is Samuel Reyes and my email is sam.reyes@example.org.", 3.1, 8.4),
                ("spk_0", "Thanks Samuel, I have updated your account.", 8.4, 11.0),
            ]
        ),
        "interview.vtt": vtt_bytes(
            [
                ("00:00:01.000", "00:00:04.000", "Hannah Schmidt", "Welcome, could you introduce yourself?"),
                ("00:00:04.500", "00:00:09.000", "Kofi Mensah", "Sure, I'm Kofi Mensah, I live in Accra."),
            ]
        ),
        "standup.srt": srt_bytes(
            [
                ("00:00:00,500", "00:00:03,000", "ELENA ROSSI", "Yesterday I paired with Marco Bianchi."),
                ("00:00:03,500", "00:00:06,000", "MARCO BIANCHI", "And I emailed marco.bianchi@example.com to Elena."),
            ]
        ),
    }


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (CORPUS / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
