"""Pure parsers for what enterprise users type: regions, credit codes, contacts, budgets, deadlines.

No database and no network: each takes text (and the date, where relative words need one) and
returns a value or a reason in Chinese. The dialogue (:mod:`bot.conversation`) decides what to ask.
"""
