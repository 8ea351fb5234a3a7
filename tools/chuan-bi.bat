@echo off
rem Called by the launchers at the root (Chay-trang-nhap-lieu.bat, Tao-van-ban.bat).
rem The first time: makes .venv and installs requirements.txt into it (runtime only, not the
rem tests); again whenever requirements.txt has changed since. Ends with errorlevel 1 and a
rem message on failure. Text is ASCII: cmd.exe reads a batch file in the console's code page.
setlocal
set "ROOT=%~dp0.."
set "PY=%ROOT%\.venv\Scripts\python.exe"
if not exist "%PY%" goto make
if not exist "%ROOT%\.venv\da-cai.txt" goto install
fc /b "%ROOT%\requirements.txt" "%ROOT%\.venv\da-cai.txt" >nul 2>&1
if errorlevel 1 goto install
exit /b 0

:make
echo Lan dau chay: dang cai dat vao thu muc .venv (can Internet, vai phut)...
where py >nul 2>&1
if not errorlevel 1 py -3 -m venv "%ROOT%\.venv"
if not exist "%PY%" python -m venv "%ROOT%\.venv" >nul 2>&1
if exist "%PY%" goto install
echo.
echo LOI: may nay chua co Python. Cai Python 3.11 tro len tu python.org,
echo      danh dau "Add python.exe to PATH", roi bam dup lai tep nay.
exit /b 1

:install
"%PY%" -c "import sys; sys.exit(sys.version_info < (3, 11))"
if errorlevel 1 goto old
echo Dang cai cac thu vien can thiet...
"%PY%" -m pip install --disable-pip-version-check -q -r "%ROOT%\requirements.txt"
if errorlevel 1 goto offline
copy /y "%ROOT%\requirements.txt" "%ROOT%\.venv\da-cai.txt" >nul
exit /b 0

:old
echo.
echo LOI: Python cua may nay cu hon 3.11. Cai Python 3.11 tro len tu python.org,
echo      xoa thu muc .venv roi bam dup lai tep nay.
exit /b 1

:offline
echo.
echo LOI: khong cai duoc thu vien. Kiem tra ket noi Internet roi bam dup lai tep nay.
exit /b 1
