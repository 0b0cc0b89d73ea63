"""`saveroute known-words -o FILE`: the list of ordinary words typo correction leaves alone.

Typo correction maps an unknown word onto a lexicon word one edit away. Without a
dictionary, "unknown" meant "not in the lexicon", so real words were rewritten into cue
words: "floors" became "floods" (hardship), "mungkin" (maybe) became "mungkir" (broke a
promise), "talking" became "taking". This command writes the English and Malay words
common enough to be real (wordfreq's Zipf scale, so rare misspellings stay correctable);
the policy's classification.known_words.file points at the result. wordfreq is needed
here only (saveroute[train]); the engine reads the plain file.
"""

import click

LANGUAGES = ("en", "ms")


@click.command("known-words")
@click.option("-o", "--output", required=True, help="Where to write the word list (one word per line).")
@click.option("--min-zipf", default=3.0, show_default=True,
              help="Keep words at least this frequent (Zipf scale: 3 is about once per million words).")
@click.option("--min-length", default=5, show_default=True,
              help="Shorter words are never typo-corrected, so they need no entry.")
def known_words(output: str, min_zipf: float, min_length: int) -> None:
    """Write the ordinary-word list that typo correction must not rewrite."""
    try:
        from wordfreq import top_n_list, zipf_frequency
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise click.ClickException("known-words needs wordfreq: pip install 'saveroute[train]'") from exc
    words: set[str] = set()
    for lang in LANGUAGES:
        for word in top_n_list(lang, 200_000):
            if len(word) < min_length or not word.isalpha():
                continue
            if zipf_frequency(word, lang) < min_zipf:
                break  # the list is in frequency order
            words.add(word)
    with click.open_file(output, "w", encoding="utf-8") as out:
        out.write(f"# ordinary words typo correction leaves alone: wordfreq {', '.join(LANGUAGES)}, "
                  f"Zipf >= {min_zipf}, length >= {min_length}; regenerate with `saveroute known-words`\n")
        out.write("\n".join(sorted(words)) + "\n")
    click.echo(f"{len(words)} words -> {output}", err=True)
