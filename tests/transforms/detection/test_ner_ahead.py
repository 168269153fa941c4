"""The worker's bookkeeping of the NER child (``ner_ahead.py``), with stand-in children (no process)."""

from __future__ import annotations

import spacy
from spacy.tokens import DocBin

from transforms.detection.ner_ahead import KEEP_BATCHES, ChildUsers, Lookahead


class _FakeChild:
    """Answers each chunk with blank-pipeline ``Doc``s, in order (no process)."""

    def __init__(self, nlp, ready: bool = False) -> None:
        self.nlp, self.sent, self.alive, self.ready = nlp, [], True, ready  # ready: answers are back at once

    @property
    def outstanding(self):
        return len(self.sent)

    def has_result(self):
        return self.ready and bool(self.sent)

    def send(self, texts):
        self.sent.append(list(texts))
        return True

    def receive(self):
        texts = self.sent.pop(0)
        return texts, DocBin(docs=[self.nlp(t) for t in texts]).to_bytes()


def test_lookahead_sends_each_text_once_and_forgets_what_no_batch_took():
    nlp = spacy.blank("en")
    fake = _FakeChild(nlp)
    ahead = Lookahead(fake, lambda doc: ("artifacts", doc.text), nlp.vocab, chunk=2)
    ahead.new_batch()
    ahead.submit(["a b", "c", "a b", "d"])
    ahead.submit(["c"])  # asked for again: taken twice
    assert fake.sent == [["a b", "c"], ["d"]]  # once each, in order, in chunks of two
    assert ahead.take("c") == ("artifacts", "c")
    assert ahead.take("c") == ("artifacts", "c")
    assert ahead.take("c") is None  # two takes were expected
    assert ahead.take("never sent") is None
    ahead.new_batch()
    ahead.submit(["e"], again=False)
    for _ in range(KEEP_BATCHES - 2):
        ahead.new_batch()
    assert ahead.take("b c") is None  # never sent
    assert "a b" in ahead._arrived  # received, untaken, kept so far
    ahead.new_batch()  # "a b" (first batch, received) was never taken: dropped KEEP_BATCHES batches later
    assert ahead.take("a b") is None
    assert ahead.take("d") == ("artifacts", "d")  # still on its way then: kept
    assert ahead.take("e") == ("artifacts", "e")
    assert ahead.received == 4


def test_the_child_runs_from_its_first_user_to_its_last():
    started, stopped = [], []

    class _Child:
        alive = True

        def close(self):
            self.alive = False
            stopped.append(self)

    class _Ahead:
        def __init__(self):
            self.child = _Child()
            started.append(self)

        @property
        def alive(self):
            return self.child.alive

    users = ChildUsers(_Ahead)
    users.attach()
    users.attach()  # a second DoFn instance shares the running child
    assert len(started) == 1
    users.detach()
    assert not stopped and users.ahead is started[0]
    users.detach()  # the last user: stopped
    assert stopped == [started[0].child] and users.ahead is None
    users.attach()  # a later pipeline in the same process gets a new child
    started[1].child.alive = False  # ... which then died: the next user starts another
    users.attach()
    assert len(started) == 3
    users.close()
    assert users.ahead is None


class _CountingChild(_FakeChild):
    def __init__(self, nlp) -> None:
        super().__init__(nlp, ready=True)
        self.texts_sent = 0

    def send(self, texts):
        self.texts_sent += len(texts)
        return super().send(texts)


def test_a_text_asked_for_again_later_is_not_sent_again():
    nlp = spacy.blank("en")
    fake = _CountingChild(nlp)
    ahead = Lookahead(fake, lambda doc: doc.text, nlp.vocab, chunk=4)
    ahead.new_batch()
    ahead.submit(["boilerplate", "one"])
    for _ in range(KEEP_BATCHES - 1):
        ahead.new_batch()
        ahead.submit(["filler"], again=False)
    ahead.submit(["boilerplate"])  # a later batch wants it too: counted, and kept for that batch
    ahead.new_batch()
    assert ahead.take("boilerplate") == "boilerplate" and ahead.take("boilerplate") == "boilerplate"
    assert fake.texts_sent == 3  # "boilerplate" once


def test_results_nobody_asked_for_are_read_and_dropped_at_each_batch():
    nlp = spacy.blank("en")
    fake = _CountingChild(nlp)
    ahead = Lookahead(fake, lambda doc: doc.text, nlp.vocab, chunk=2)
    for batch in range(10):
        ahead.new_batch()
        ahead.submit([f"unused {batch} {i}" for i in range(6)])  # never taken (their analysis was remembered)
        assert len(ahead._arrived) <= KEEP_BATCHES * 6
    ahead.new_batch()
    assert fake.outstanding == 0  # every answer back has been read
