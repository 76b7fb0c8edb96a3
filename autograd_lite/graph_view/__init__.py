"""The interactive graph view's script (view.js) and stylesheet (view.css), package data
that `graph_html` embeds into every page it writes."""
