"""Reading messages: language, sentiment, intent and toxicity, with models the project trains."""
