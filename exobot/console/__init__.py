"""The staff console: a small web server for clinic staff to watch, teach and correct the bot.

    python -m exobot.console --host 127.0.0.1 --port 8081 --endpoints endpoints.yml     (started by make run)

Accounts, sessions, the audit log and reviewed questions live in tables of their own (console_*) in the
conversation store's database, beside Rasa's events table. Pages are rendered on the server from
web/console/templates; no JavaScript.
"""
