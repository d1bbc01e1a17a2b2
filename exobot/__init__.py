"""The exosome FAQ bot: what the Rasa server loads (nlu, server), the content both servers read, staff tools."""
