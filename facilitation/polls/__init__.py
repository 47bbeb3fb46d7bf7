"""Quick polls: a single or multiple choice question, declared in a format's `poll` phase
or asked live by the facilitator; results hidden until reveal."""
