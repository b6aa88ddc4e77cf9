"""The WeChat platform side: outbound API client, push channel, fake API server."""
