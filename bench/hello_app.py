"""The smallest Flask app: the ceiling of Flask + gunicorn on this machine, for ratios."""

from flask import Flask

app = Flask(__name__)
app.add_url_rule("/", "hello", lambda: "Hello, World!")
