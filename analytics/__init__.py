"""Pure metric maths: no Streamlit, no SQL."""
