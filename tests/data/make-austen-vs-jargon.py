#!/usr/bin/env python3
"""Makes austen-vs-jargon.tsv: one line per `label<TAB>document`, from the lines of austen.txt (label 1) and
jargon.txt (label 0) that have at least 5 words, shuffled with a fixed seed so that every contiguous split of the file
(a data partition) holds both classes.

A word is what WordCount counts: a maximal run of letters (Python's str.isalpha and .NET's char.IsLetter both take the
Unicode letter categories Lu, Ll, Lt, Lm, Lo). Tabs inside a line become spaces; line ends are \n.

Run from this directory: python3 make-austen-vs-jargon.py  (deterministic: the same output every time)
"""
import random


def words(line):
    """The maximal runs of letters of a line."""
    found, current = [], []
    for ch in line + " ":
        if ch.isalpha():
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    return found


def lines(path, label):
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            text = line.rstrip("\n").rstrip("\r").replace("\t", " ").strip()
            if len(words(text)) >= 5:
                yield f"{label}\t{text}"


def main():
    rows = list(lines("austen.txt", 1)) + list(lines("jargon.txt", 0))
    random.Random(13).shuffle(rows)
    with open("austen-vs-jargon.tsv", "w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            out.write(row + "\n")


if __name__ == "__main__":
    main()
