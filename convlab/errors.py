"""The one error type students see from convlab."""


class ConvConfigError(ValueError):
    """An impossible convolution configuration.

    The message names the parameter, its value and the rule it breaks, in words a
    student understands. It subclasses ``ValueError`` so ``except ValueError`` works.
    """
