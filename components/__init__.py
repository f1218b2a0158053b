"""Streamlit and plotly building blocks; they draw, they never query."""
