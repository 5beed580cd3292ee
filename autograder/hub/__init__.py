"""The class server (`docker-course class`): JupyterHub on one machine for a class.

- :mod:`.roster`, :mod:`.accounts`, :mod:`.auth`: who may log in, with a password each;
- :mod:`.proxy`, :mod:`.config`, :mod:`.server`: the hub and its proxy, started and stopped;
- :mod:`.students`, :mod:`.student_engine`, :mod:`.forward`, :mod:`.spawner`: each student's
  JupyterLab as their own Unix user in a jail, beside a rootless engine of their own.
"""
