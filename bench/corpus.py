"""Seeded synthetic corpus for the performance benchmark: support notes (documents) and chat transcripts.

Fresh templates written for the benchmark (not taken from any evaluation set). PII density is chosen to
look like real support data: roughly one entity every 12-20 words (names, e-mails, phones, street
addresses, dates, card numbers, IBANs, IP addresses), mixed with non-PII numbers (order ids, amounts,
versions) that exercise the digit-driven recognizers without matching. Same seed -> same bytes.

Every value is fictitious: names from small stock lists, example.* mail domains, 555 phone numbers,
test card numbers.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

FIRST = [
    "Maria", "Oliver", "Priya", "Tomasz", "Aiko", "Daniel", "Fatima", "Lucas", "Hannah", "Kwame",
    "Sofia", "Ethan", "Ingrid", "Mateo", "Chloe", "Viktor", "Amara", "Noah", "Leila", "Samuel",
]  # fmt: skip
LAST = [
    "Lindqvist", "Okafor", "Brennan", "Nakamura", "Schulz", "Alvarez", "Dubois", "Kowalski", "Hughes",
    "Mensah", "Rossi", "Carver", "Haddad", "Fischer", "Morales", "Quinn", "Varga", "Thornton",
]  # fmt: skip
STREETS = ["Birch Lane", "Harbor Road", "Maple Avenue", "Station Street", "Quarry Way", "Linden Court"]
CITIES = ["Portland", "Leeds", "Toronto", "Dublin", "Denver", "Bristol", "Austin", "Glasgow"]
PRODUCTS = ["router", "subscription", "headset", "laptop dock", "smart meter", "mobile plan", "printer"]
ISSUES = [
    "stopped syncing after the update",
    "was billed twice this month",
    "arrived with a cracked casing",
    "keeps dropping the connection every evening",
    "shows an activation error on start-up",
    "was delivered to the wrong address",
]
CARDS = ["4111 1111 1111 1111", "5555 5555 5555 4444", "3782 822463 10005", "6011 1111 1111 1117"]
IBANS = ["GB82 WEST 1234 5698 7654 32", "DE89 3704 0044 0532 0130 00", "FR14 2004 1010 0505 0001 3M02 606"]
MONTHS = ["January", "February", "March", "April", "May", "June", "September", "October", "November"]

NOTE_SENTENCES = [
    "Customer {name} called about the {product} that {issue}.",
    "{first} confirmed the account e-mail as {email} and asked for a callback on {phone}.",
    "Ticket #{num5} was opened on {date} and escalated to tier {tier}.",
    "The shipping address on file is {street}, {city}.",
    "Refund of ${amount} approved against card {card}; reference RF-{num6}.",
    "Firmware {version} was pushed to the device but the fault persisted.",
    "{name} prefers SEPA transfers to {iban} for any credit.",
    "Login attempts came from {ip} over the last {tier} days.",
    "Agent {agent} reproduced the problem and attached logs to the case.",
    "We agreed to follow up by {date}; no further action is needed from the customer.",
    "The warranty covers parts and labour for {tier} years from the purchase date.",
    "Order {num6} contained {tier} items and weighed {amount} kg.",
    "Please note that the customer asked us not to call before {hour} am.",
    "A replacement {product} was dispatched from the {city} warehouse.",
]
USER_TURNS = [
    "Hi, my {product} {issue}.",
    "It's {name}, the account is under {email}.",
    "You can reach me on {phone} after {hour}.",
    "I moved to {street}, {city} last month, can you update that?",
    "The order number is {num6} and I paid with the card ending {last4}.",
    "Thanks, that fixed it!",
    "Could you send the invoice from {date} again?",
    "Is there any way to speed this up? I have been waiting since {date}.",
]
AGENT_TURNS = [
    "Thanks for reaching out, {first}. Let me look into that for you.",
    "I can see ticket {num5} here; it was created on {date}.",
    "I have updated the address and sent a confirmation to {email}.",
    "A technician will call {phone} within {tier} working days.",
    "Could you restart the {product} and tell me what the status light shows?",
    "I have issued a credit of ${amount}; it should appear within {tier} days.",
    "Is there anything else I can help with today?",
]


@dataclass(frozen=True, slots=True)
class Corpus:
    docs: list[dict]
    chats: list[dict]

    def texts(self) -> list[str]:
        """Every text a vanilla script would analyse: each document, each chat turn."""
        return [d["text"] for d in self.docs] + [m["content"] for c in self.chats for m in c["messages"]]

    def detect_rows(self) -> list[dict]:
        """``redact detect`` input: documents as they are, chats as one text per turn."""
        rows = [{"id": d["id"], "text": d["text"]} for d in self.docs]
        for c in self.chats:
            rows += [{"id": f"{c['id']}-{i}", "text": m["content"]} for i, m in enumerate(c["messages"])]
        return rows

    def n_records(self) -> int:
        return len(self.docs) + len(self.chats)

    def n_bytes(self) -> int:
        return sum(len(t.encode()) for t in self.texts())


def _fill(rng: random.Random, template: str, person: tuple[str, str]) -> str:
    first, last = person
    values = {
        "name": f"{first} {last}",
        "first": first,
        "email": f"{first.lower()}.{last.lower()}@example.{rng.choice(['com', 'org', 'net'])}",
        "phone": f"+1 {rng.randint(201, 989)}-555-{rng.randint(100, 199):04d}",
        "street": f"{rng.randint(2, 480)} {rng.choice(STREETS)}",
        "city": rng.choice(CITIES),
        "date": f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2019, 2025)}",
        "card": rng.choice(CARDS),
        "last4": f"{rng.randint(0, 9999):04d}",
        "iban": rng.choice(IBANS),
        "ip": f"203.0.113.{rng.randint(1, 254)}",
        "product": rng.choice(PRODUCTS),
        "issue": rng.choice(ISSUES),
        "num5": str(rng.randint(10000, 99999)),
        "num6": str(rng.randint(100000, 999999)),
        "amount": f"{rng.randint(5, 480)}.{rng.randint(0, 99):02d}",
        "version": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
        "tier": str(rng.randint(2, 5)),
        "hour": str(rng.randint(7, 11)),
        "agent": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    }
    return template.format(**values)


def generate(n_records: int, seed: int = 1234, chat_share: float = 0.3) -> Corpus:
    """``n_records`` records (documents + chats); deterministic for a seed."""
    rng = random.Random(seed)
    docs, chats = [], []
    for i in range(n_records):
        person = (rng.choice(FIRST), rng.choice(LAST))
        if rng.random() < chat_share:
            turns = []
            for t in range(rng.randint(4, 10)):
                pool, role = (USER_TURNS, "user") if t % 2 == 0 else (AGENT_TURNS, "assistant")
                turns.append({"role": role, "content": _fill(rng, rng.choice(pool), person)})
            chats.append({"id": f"chat-{i:06d}", "training_consent": True, "messages": turns})
        else:
            sentences = [_fill(rng, rng.choice(NOTE_SENTENCES), person) for _ in range(rng.randint(4, 14))]
            paragraphs = [" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
            docs.append({"id": f"note-{i:06d}", "training_consent": True, "text": "\n\n".join(paragraphs)})
    return Corpus(docs, chats)


def generate_mb(megabytes: float, seed: int = 1234) -> Corpus:
    """About ``megabytes`` MB of text (documents + chat turns)."""
    probe = generate(200, seed)
    per_record = probe.n_bytes() / probe.n_records()
    return generate(max(1, int(megabytes * 1_000_000 / per_record)), seed)


def write(corpus: Corpus, folder: Path) -> dict[str, Path]:
    """``run`` input (documents.jsonl + chats.jsonl in one folder) and ``detect`` input (texts.jsonl)."""
    run_dir = folder / "input"
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "documents.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus.docs))
    (run_dir / "chats.jsonl").write_text("".join(json.dumps(c) + "\n" for c in corpus.chats))
    detect = folder / "texts.jsonl"
    detect.write_text("".join(json.dumps(r) + "\n" for r in corpus.detect_rows()))
    return {"run": run_dir, "detect": detect}
