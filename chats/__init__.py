"""WeChat chats as data: every inbound message or event, and each user's conversation row.

The webhook adapter (``bot/``) parses and renders; the rows it stores and reads, the retry
de-duplication, the per-openid rate limit and the customer-service window's opening all live here,
so the worker's deliverer and the dialogue ask one home instead of querying the tables themselves.
"""
