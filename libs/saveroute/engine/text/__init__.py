"""Language handling for the classifier: tokens with scopes, phrase patterns, cue matching."""
