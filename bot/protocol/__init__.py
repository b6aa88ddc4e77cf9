"""The Official Account webhook protocol: verify, decrypt, refuse hostile XML, parse, store, reply.

:mod:`bot.protocol.envelope` checks signatures, timestamps and sizes and opens/seals safe-mode
(AES) bodies; :mod:`bot.protocol.messages` turns the XML into a stored-message description;
:mod:`bot.protocol.replies` renders (escaped, split) passive replies; :mod:`bot.protocol.webhook` is
the use case the ``/wechat`` route calls.
"""
