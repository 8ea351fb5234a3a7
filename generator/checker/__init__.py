"""The format checker: reads any .docx and lists how it departs from NĐ 30/2020."""
