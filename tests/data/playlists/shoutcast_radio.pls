[playlist]
numberofentries=3
File1=http://ice1.somafm.com/dronezone-128-mp3
Title1=(#1 - 1/1000) SomaFM: Drone Zone (#1): Served best chilled
Length1=-1
file3=http://198.51.100.23:8000/;stream.nsv
title3=(#3 - 12/250) Deep Sleep Radio
length3=-1
File2 = http://radio.example.net:8002/sleep.aac
Title2 = (#2 - 40/500) Night Rain FM
Length2 = -1
Version=2
