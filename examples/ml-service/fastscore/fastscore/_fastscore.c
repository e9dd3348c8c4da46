/* _fastscore: the hot loop of the model, in C. score(weights, features,
 * bias) returns sigmoid(bias + sum(w*x)) for two equal-length sequences of
 * floats. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

static PyObject *score(PyObject *self, PyObject *args) {
    PyObject *w, *x;
    double bias, z;
    Py_ssize_t n, i;
    PyObject *ws, *xs;

    if (!PyArg_ParseTuple(args, "OOd", &w, &x, &bias))
        return NULL;
    ws = PySequence_Fast(w, "weights must be a sequence");
    if (ws == NULL)
        return NULL;
    xs = PySequence_Fast(x, "features must be a sequence");
    if (xs == NULL) {
        Py_DECREF(ws);
        return NULL;
    }
    n = PySequence_Fast_GET_SIZE(ws);
    if (PySequence_Fast_GET_SIZE(xs) != n) {
        PyErr_Format(PyExc_ValueError, "got %zd features, the model has %zd weights",
                     PySequence_Fast_GET_SIZE(xs), n);
        Py_DECREF(ws);
        Py_DECREF(xs);
        return NULL;
    }
    z = bias;
    for (i = 0; i < n; i++) {
        double a = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(ws, i));
        double b = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(xs, i));
        if (PyErr_Occurred()) {
            Py_DECREF(ws);
            Py_DECREF(xs);
            return NULL;
        }
        z += a * b;
    }
    Py_DECREF(ws);
    Py_DECREF(xs);
    return PyFloat_FromDouble(1.0 / (1.0 + exp(-z)));
}

static PyMethodDef methods[] = {
    {"score", score, METH_VARARGS, "score(weights, features, bias) -> probability"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastscore", "Logistic scoring in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__fastscore(void) { return PyModule_Create(&module); }
