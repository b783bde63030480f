"""Tests of mlp.activations: the one stable sigmoid and log-sum-exp, and each f' against f."""

import warnings

import numpy as np
import pytest

from mlp import activations as A


def test_stable_sigmoid_never_overflows_and_keeps_the_dtype():
    z = np.array([-1000.0, -710.0, -30.0, 0.0, 30.0, 710.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail the test
        s = A.stable_sigmoid(z)
        s32 = A.stable_sigmoid(z.astype(np.float32))
    assert s32.dtype == np.float32 and s.dtype == np.float64
    np.testing.assert_array_equal(s[[0, -1]], [0.0, 1.0])
    safe = z[2:-2]
    np.testing.assert_allclose(s[2:-2], 1.0 / (1.0 + np.exp(-safe)), rtol=1e-15)
    np.testing.assert_allclose(
        s + A.stable_sigmoid(-z), 1.0, rtol=1e-15
    )  # sigma(-z) = 1 - sigma(z)


def test_logsumexp_and_log_softmax_are_stable():
    z = np.array([[1000.0, 1000.0], [-1000.0, 0.0], [1.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lse = A.logsumexp(z)
        logp = A.log_softmax(z)
    assert lse.shape == (3, 1)
    np.testing.assert_allclose(lse[:, 0], [1000 + np.log(2), 0.0, np.log(np.e + np.e**2)])
    np.testing.assert_allclose(np.exp(logp).sum(axis=1), 1.0)
    np.testing.assert_allclose(A.softmax(z), np.exp(logp))
    np.testing.assert_allclose(A.softmax([1.0, 2.0]), A.softmax([[1.0, 2.0]])[0])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_each_derivative_matches_centered_differences(name):
    f, f_prime = A.get_activation(name)
    z = np.linspace(-3, 3, 41) + 0.01  # no point on the ReLU kink
    h = 1e-6
    np.testing.assert_allclose(f_prime(z), (f(z + h) - f(z - h)) / (2 * h), atol=1e-8)


def test_step_derivative_is_zero_and_step_is_a_threshold():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(A.step(z), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(A.step_prime(z), 0.0)


def test_checked_forms_use_the_formulas_and_return_new_arrays():
    z = np.array([-2.0, 0.5, 3.0])
    for name, (f, f_prime) in A.ACTIVATIONS.items():
        g, g_prime_from = A.FORMULAS[name]
        np.testing.assert_array_equal(f(z), g(z))
        np.testing.assert_array_equal(f_prime(z), g_prime_from(z, g(z)))
        assert f(z) is not z and f.__name__ == name and f_prime.__name__ == f"{name}_prime"
    np.testing.assert_array_equal(z, [-2.0, 0.5, 3.0])


def test_checked_forms_refuse_bad_input():
    with pytest.raises(ValueError, match="z contains NaN"):
        A.sigmoid([0.0, np.nan])
    with pytest.raises(TypeError, match="z must be a numeric array"):
        A.relu(["a"])
    with pytest.raises(ValueError, match="unknown activation 'swish'; choose one of: identity"):
        A.get_activation("swish")
    with pytest.raises(ValueError, match="at least one logit"):
        A.softmax(np.zeros((2, 0)))
