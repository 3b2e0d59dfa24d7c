"""A whole plan in one workbook: the layout (``layout``), reading a file into rows
(``reading``), checking and writing them through the services (``importing``) and writing a
company's plan back out (``exporting``). The same layout serves .xlsx, YAML and JSON."""
