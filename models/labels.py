"""The versioned label set; its name is stored with every result so old analyses stay interpretable."""

LABEL_SET_VERSION = "sales-1on1-labels.v1"
LABELS: tuple[str, ...] = ("deal-status", "coaching", "goals", "rapport")
PEOPLE_LABELS: tuple[str, ...] = ("coaching", "goals", "rapport")
LABEL_TO_ID = {label: i for i, label in enumerate(LABELS)}
